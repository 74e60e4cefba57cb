/* Renders the LLM report from the JSON blob in #report-data. All data-derived text goes through textContent. */
(function () {
  'use strict';
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  var PCT_COLORS = { P50: '#1f77b4', P95: '#ff7f0e', P99: '#d62728' };
  var root = document.getElementById('report');
  var expectedCharts = 0;
  var readyCharts = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent, tag, className, text) {
    var node = el(tag, className, text);
    parent.appendChild(node);
    return node;
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function num(v, digits) {
    if (!isNum(v)) { return '–'; }
    if (digits === undefined) { digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2; }
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function ms(v) {
    if (!isNum(v)) { return '–'; }
    return Math.abs(v) >= 10000 ? num(v / 1000, 2) + ' s' : num(v) + ' ms';
  }
  function pct(v) { return isNum(v) ? num(v, 2) + ' %' : '–'; }
  function errorRate(stats) { return stats && stats.requests > 0 ? stats.ko * 100 / stats.requests : null; }
  function section(title, id) {
    var s = add(root, 'section', 'section');
    if (id) { s.id = id; }
    add(s, 'h2', null, title);
    return s;
  }
  function card(parent, label, value, sub) {
    var c = add(parent, 'div', 'card');
    add(c, 'div', 'label', label);
    add(c, 'div', 'value', value);
    if (sub) { add(c, 'div', 'sub', sub); }
    return c;
  }
  function table(parent, headers, rows, cellClass) {
    var wrap = add(parent, 'div', 'table-scroll');
    var t = add(wrap, 'table');
    var tr = add(add(t, 'thead'), 'tr');
    headers.forEach(function (h) { add(tr, 'th', null, h); });
    var body = add(t, 'tbody');
    rows.forEach(function (row, r) {
      var line = add(body, 'tr');
      row.forEach(function (cell, c) { add(line, 'td', cellClass ? cellClass(r, c) : null, cell); });
    });
    return t;
  }

  function markRendered() {
    readyCharts++;
    document.body.dataset.rendered = readyCharts + ' charts';
    document.body.dataset.expectedCharts = String(expectedCharts);
  }

  /**
   * One uPlot chart. lines: [{label, values, color, dash}], all over the same x.
   * opts: xLabel, yLabel, logX, stepped, yMin0, xRange ([min, max]: charts sharing one time axis), syncKey (their
   * cursors move together).
   */
  function chart(parent, title, x, lines, opts) {
    opts = opts || {};
    var box = add(parent, 'div', 'chart');
    var present = lines.filter(function (l) { return l.values && l.values.some(isNum); });
    if (!x || x.length === 0 || present.length === 0) {
      add(box, 'div', 'muted', title);
      add(box, 'div', 'empty', 'no data');
      return;
    }
    expectedCharts++;
    var width = Math.max(320, box.clientWidth - 14);
    var series = [{ label: opts.xLabel || 'x', value: function (u, v) { return isNum(v) ? num(v) : '–'; } }];
    present.forEach(function (l, i) {
      series.push({
        label: l.label,
        stroke: l.color || PALETTE[i % PALETTE.length],
        width: 1.6,
        dash: l.dash,
        spanGaps: true,
        points: { show: !opts.stepped && x.length < 40 },
        paths: opts.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        value: function (u, v) { return isNum(v) ? num(v) : '–'; }
      });
    });
    var options = {
      title: title,
      width: width,
      height: 260,
      scales: { x: { time: false, distr: opts.logX ? 3 : 1,
        range: opts.xRange ? function () { return opts.xRange; } : undefined }, y: { range: function (u, min, max) {
        var lo = opts.yMin0 === false ? min : Math.min(0, min);
        var hi = isNum(opts.yMax) ? Math.min(max, opts.yMax) : max;
        return [lo, hi > lo ? hi * 1.05 : lo + 1];
      } } },
      axes: [{ label: opts.xLabel, size: 42 }, { label: opts.yLabel, size: 64 }],
      series: series,
      hooks: { ready: [markRendered], draw: opts.marks ? [function (u) { drawMarks(u, opts.marks); }] : [] }
    };
    if (opts.syncKey) {
      // one cursor across the charts of a time axis: the same instant is read off every one of them
      options.cursor = { sync: { key: opts.syncKey } };
    }
    try {
      new uPlot(options, [x].concat(present.map(function (l) { return l.values; })), box);
    } catch (e) {
      window.__reportError('chart "' + title + '": ' + e.message);
    }
  }

  /** Vertical dashed lines with a label at given x values (opts.marks: [{x, label, color}]). */
  function drawMarks(u, marks) {
    var ctx = u.ctx;
    ctx.save();
    marks.forEach(function (m, i) {
      if (!isNum(m.x)) { return; }
      var x = Math.round(u.valToPos(m.x, 'x', true));
      ctx.strokeStyle = m.color || '#555';
      ctx.fillStyle = m.color || '#555';
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.2 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
      // one line per mark: the bracket's two ends are often a few pixels apart
      ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + (12 + 13 * i) * devicePixelRatio);
    });
    ctx.restore();
  }

  function statsRow(name, s) {
    return [name, num(s.requests, 0), num(s.ok, 0), num(s.ko, 0), pct(errorRate(s)), num(s.requestsPerSec),
      num(s.outputTokensPerSec), num(s.goodputPerSec), ms(s.ttftMs.p50), ms(s.ttftMs.p95), ms(s.ttftMs.p99),
      ms(s.itlMs.p50), ms(s.itlMs.p95), ms(s.tpotMs.p50), ms(s.e2eMs.p50), ms(s.e2eMs.p95), ms(s.e2eMs.p99)];
  }
  var STATS_HEADERS = ['', 'requests', 'ok', 'ko', 'errors', 'req/s', 'out tok/s', 'goodput/s', 'TTFT p50',
    'TTFT p95', 'TTFT p99', 'ITL p50', 'ITL p95', 'TPOT p50', 'E2E p50', 'E2E p95', 'E2E p99'];
  function statsTable(parent, groups) {
    var names = Object.keys(groups || {});
    if (names.length === 0) { add(parent, 'p', 'muted', 'No requests.'); return; }
    table(parent, STATS_HEADERS, names.map(function (n) { return statsRow(n, groups[n]); }));
  }
  /** Tool calls and structured answers, for the tasks that have them (tools, structured). */
  function taskChecksTable(parent, groups) {
    var names = Object.keys(groups || {}).filter(function (n) {
      return isNum(groups[n].toolCallRate) || isNum(groups[n].jsonValidRate);
    });
    if (names.length === 0) { return; }
    add(parent, 'h3', null, 'Tool calls and structured answers');
    table(parent, ['', 'requests', 'tool calls', 'tool-call rate', 'JSON valid'], names.map(function (n) {
      var g = groups[n];
      return [n, num(g.requests, 0), isNum(g.toolCalls) ? num(g.toolCalls, 0) : '–',
        isNum(g.toolCallRate) ? pct(g.toolCallRate * 100) : '–', isNum(g.jsonValidRate) ? pct(g.jsonValidRate * 100) : '–'];
    }));
  }
  function pctRow(name, samples, p) {
    return [name, num(samples, 0), ms(p.p50), ms(p.p90), ms(p.p95), ms(p.p99), ms(p.max), ms(p.mean)];
  }
  var PCT_HEADERS = ['', 'samples', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'];

  function header(summary, extra) {
    var run = summary.run || {};
    var target = summary.target || {};
    add(root, 'h1', null, 'LLM load test report — ' + (run.id || ''));
    document.title = 'LLM report ' + (run.id || '');
    add(root, 'div', 'muted', [run.simulation, (target.api || '') + ' @ ' + (target.baseUrl || ''),
      'models: ' + (target.models || []).join(', ')].filter(Boolean).join(' · '));
    add(root, 'div', 'muted', (run.start || '') + ' → ' + (run.end || '') + ' · ' + num(run.durationSec, 1) +
      ' s · shard ' + (run.shard || '') + (extra ? ' · ' + extra : ''));
  }

  function headline(summary) {
    var s = summary.all;
    var h = section('Headline', 'headline');
    if (summary.partial) {
      add(h, 'div', 'banner partial', 'Partial run: it was interrupted; figures cover the requests recorded until then.');
    }
    var cards = add(h, 'div', 'cards');
    card(cards, 'Requests', num(s.requests, 0), num(s.ok, 0) + ' ok · ' + num(s.ko, 0) + ' ko');
    card(cards, 'Requests/s', num(s.requestsPerSec));
    card(cards, 'Output tokens/s', num(s.outputTokensPerSec), num(s.outputTokens, 0) + ' tokens');
    card(cards, 'Goodput/s', num(s.goodputPerSec));
    card(cards, 'Error rate', pct(errorRate(s)));
    card(cards, 'TTFT p95', ms(s.ttftMs.p95), 'p50 ' + ms(s.ttftMs.p50));
    if (reasoned(s)) {
      card(cards, 'First answer (TTFA) p95', ms(s.ttfaMs.p95), 'p50 ' + ms(s.ttfaMs.p50) + ' · after the thinking');
    }
    card(cards, 'ITL p95', ms(s.itlMs.p95), 'p50 ' + ms(s.itlMs.p50));
    card(cards, 'E2E p95', ms(s.e2eMs.p95), 'p50 ' + ms(s.e2eMs.p50));
    if (isNum(s.cacheHitRate)) {
      card(cards, 'Prompt cache hits', pct(s.cacheHitRate * 100), num(s.cachedTokens, 0) + ' of '
        + num(s.promptTokens, 0) + ' prompt tokens from the server\'s cache');
    }
    var slos = summary.slo || [];
    var verdictLine = add(h, 'div');
    if (summary.capacity && summary.capacity.verdict) {
      // a capacity search pushes past the limits on purpose: its verdict replaces the run-wide SLO verdicts
      add(verdictLine, 'span', 'verdict ' + (summary.passed ? 'pass' : 'fail'),
        summary.passed ? 'CAPACITY FOUND' : 'NO CAPACITY FOUND');
      add(h, 'p', 'capacity-verdict', summary.capacity.verdict);
      add(h, 'p', 'muted', 'SLOs of the whole run are not a verdict here: the search pushes past them on purpose; ' +
        'see "Capacity" below for each step.');
      return;
    }
    add(verdictLine, 'span', 'verdict ' + (summary.passed ? 'pass' : 'fail'), summary.passed ? 'SLOs PASSED' : 'SLOs FAILED');
    if (slos.length === 0) { add(verdictLine, 'span', 'muted', '  no SLO set'); }
    var list = add(h, 'ul', 'slo-list');
    slos.forEach(function (v) {
      var li = add(list, 'li', v.passed ? 'pass' : 'fail');
      add(li, 'span', 'mark', v.passed ? '✓' : '✗');
      add(li, 'span', null, v.expr + ' — actual ' + (isNum(v.actual) ? num(v.actual) : v.passed ? 'n/a (no request sent)' : 'no data'));
    });
  }

  function overTime(series, steps, resources, durationSec) {
    var sec = section('Over time', 'over-time');
    add(sec, 'p', 'muted', 'Buckets of ' + num(series.bucketSec, 0) + ' s; x = seconds since the run start'
      + (resources && Object.keys(resources).length ? ' (resource samples: every second, same axis).' : '.'));
    var grid = add(sec, 'div', 'charts');
    var t = series.t;
    var opts = { xLabel: 's', xRange: isNum(durationSec) && durationSec > 0 ? [0, durationSec] : undefined,
      syncKey: 'over-time' };
    chart(grid, 'In flight (requests)', t, [{ label: 'in flight', values: series.inFlight }], opts);
    chart(grid, 'Arrival vs completion rate (req/s)', t, [
      { label: 'arrivals/s', values: series.arrivalsPerSec },
      { label: 'completions/s', values: series.completionsPerSec }], opts);
    ['ttft', 'itl', 'e2e'].forEach(function (m) {
      chart(grid, m.toUpperCase() + ' over time (ms)', t, ['P50', 'P95', 'P99'].map(function (p) {
        return { label: p.toLowerCase(), values: series.latencyMs[m + p], color: PCT_COLORS[p] };
      }), opts);
    });
    chart(grid, 'Output tokens/s', t, [{ label: 'tokens/s', values: series.outputTokensPerSec }], opts);
    var causes = Object.keys(series.errorsPerSec || {});
    if (causes.length > 0) {
      chart(grid, 'Errors by cause (/s)', t, causes.map(function (c) {
        return { label: c, values: series.errorsPerSec[c] };
      }), opts);
    }
    resourceCharts(grid, resources || {}, opts);
  }

  /* resources.jsonl samples by source, each {t: [s], quantity: [...]}; a chart only where a quantity was sampled */
  var RESOURCE_CHARTS = [
    ['process', 'Server process CPU (% of one core)', [['cpuPercent', 'cpu %']]],
    ['process', 'Server process memory (RSS, MiB)', [['rssMb', 'rss MiB']]],
    ['gpu', 'GPU utilisation (%)', [['utilPercent', 'util %']]],
    ['gpu', 'GPU memory used (MiB)', [['memoryMb', 'MiB']]],
    ['gpu', 'GPU power (W)', [['powerW', 'W']]],
    ['server', 'Server slots and queue', [['busySlots', 'busy slots'], ['slots', 'slots'],
      ['requestsProcessing', 'processing'], ['requestsDeferred', 'deferred']]],
    ['server', 'KV cache use (%)', [['kvCacheUsePercent', 'kv cache %']]],
    ['server', 'Loaded models and VRAM (MiB)', [['vramMb', 'VRAM MiB'], ['modelMb', 'model MiB']]],
    ['server', 'Loaded models / instances', [['loadedModels', 'models'], ['loadedInstances', 'instances']]]
  ];
  function resourceCharts(grid, resources, opts) {
    RESOURCE_CHARTS.forEach(function (c) {
      var s = resources[c[0]];
      if (!s || !s.t) { return; }
      var lines = c[2].filter(function (q) { return s[q[0]]; })
        .map(function (q) { return { label: q[1], values: s[q[0]] }; });
      if (lines.length > 0) { chart(grid, c[1], s.t, lines, opts); }
    });
  }

  function resourcesTable(resources) {
    var res = section('Resources', 'resources');
    var rows = [];
    function pctRows(prefix, obj) {
      Object.keys(obj || {}).forEach(function (n) {
        var p = obj[n];
        if (p && typeof p === 'object' && 'p50' in p) {
          rows.push([prefix + n, num(p.p50), num(p.p90), num(p.p95), num(p.p99), num(p.max), num(p.mean)]);
        }
      });
    }
    pctRows('process ', resources);
    pctRows('gpu ', resources.gpu);
    pctRows('server ', resources.server);
    if (rows.length > 0) {
      table(res, ['', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'], rows);
    }
    var notes = [];
    if (resources.samples > 0) { notes.push(num(resources.samples, 0) + ' process samples'); }
    var gpu = resources.gpu;
    if (gpu) {
      notes.push(num(gpu.samples, 0) + ' GPU samples' + (gpu.gpus ? ' (' + gpu.gpus + ' GPU' + (gpu.gpus > 1 ? 's' : '') + ')' : ''));
      if (isNum(gpu.energyWh)) { notes.push('GPU energy ' + num(gpu.energyWh, 3) + ' Wh'); }
      if (isNum(gpu.energyWhPer1kOutputTokens)) { notes.push(num(gpu.energyWhPer1kOutputTokens, 3) + ' Wh per 1,000 output tokens'); }
    }
    var server = resources.server;
    if (server) {
      notes.push(num(server.samples, 0) + ' server gauge samples');
      Object.keys(server).forEach(function (n) {
        if (n !== 'samples' && isNum(server[n])) { notes.push(n + ' +' + num(server[n], 0) + ' during the run'); }
      });
      var vram = server.vramMbByModel || {};
      var models = Object.keys(vram);
      if (models.length > 0) {
        notes.push('VRAM held (max): ' + models.map(function (m) { return m + ' ' + num(vram[m], 0) + ' MiB'; }).join(', '));
      }
    }
    add(res, 'p', 'muted', notes.join('; '));
  }

  var DISTRIBUTIONS = [['ttftMs', 'TTFT (ms)'], ['chunkGapMs', 'Inter-chunk gaps (ms)'], ['e2eMs', 'E2E (ms)'],
    ['outputTokens', 'Output tokens per request']];
  function distributions(d) {
    var sec = section('Distributions', 'distributions');
    add(sec, 'p', 'muted', 'Share of samples (%) per logarithmic bin (20 per decade), OK requests.');
    var grid = add(sec, 'div', 'charts');
    DISTRIBUTIONS.forEach(function (pair) {
      var dist = d[pair[0]] || { x: [], y: [], samples: 0 };
      chart(grid, pair[1] + ' — ' + num(dist.samples, 0) + ' samples', dist.x,
        [{ label: '% of samples', values: dist.y }], { xLabel: pair[1], logX: true, stepped: true });
    });
  }

  function reasoned(s) {
    return s && (s.reasoningTokens > 0 || s.reasoningOnly > 0) && s.ttfaMs;
  }

  /** Reasoning models: first token against first answer token, thinking against answer tokens, per task. */
  function reasoning(summary, d) {
    var s = summary.all;
    if (!reasoned(s)) { return; }
    var sec = section('Reasoning', 'reasoning');
    if (s.reasoningOnly > 0) {
      add(sec, 'div', 'banner warn', '⚠ ' + num(s.reasoningOnly, 0) + ' request(s) reached their token limit while ' +
        'still reasoning and got no answer ("reasoningOnly", cause budget_exhausted in requests.jsonl): OK for the ' +
        'server, not for a user. Raise llm.maxTokens or lower llm.think.');
    }
    var cards = add(sec, 'div', 'cards');
    var total = s.reasoningTokens + s.answerTokens;
    card(cards, 'Reasoning tokens', num(s.reasoningTokens, 0), pct(total > 0 ? s.reasoningTokens * 100 / total : null)
      + ' of output');
    card(cards, 'Answer tokens', num(s.answerTokens, 0));
    card(cards, 'TTFT p50 → TTFA p50', ms(s.ttftMs.p50) + ' → ' + ms(s.ttfaMs.p50), 'first token → first answer token');
    card(cards, 'Reasoning only', num(s.reasoningOnly, 0), 'limit reached while thinking');
    add(sec, 'p', 'muted', 'TTFT is the first generated token of any kind (thinking included); TTFA the first ' +
      'token of the answer. Per task, OK requests:');
    var tasks = summary.tasks || {};
    table(sec, ['task', 'TTFT p50', 'TTFT p95', 'TTFT p99', 'TTFA p50', 'TTFA p95', 'TTFA p99', 'reasoning tokens',
      'answer tokens', 'reasoning only'], Object.keys(tasks).map(function (t) {
      var ts = tasks[t];
      var a = ts.ttfaMs || ts.ttftMs;
      return [t, ms(ts.ttftMs.p50), ms(ts.ttftMs.p95), ms(ts.ttftMs.p99), ms(a.p50), ms(a.p95), ms(a.p99),
        num(ts.reasoningTokens || 0, 0), num(ts.answerTokens || 0, 0), num(ts.reasoningOnly || 0, 0)];
    }));
    var grid = add(sec, 'div', 'charts');
    [['ttftMs', 'First token, TTFT (ms)'], ['ttfaMs', 'First answer token, TTFA (ms)']].forEach(function (pair) {
      var dist = d[pair[0]] || { x: [], y: [], samples: 0 };
      chart(grid, pair[1] + ' — ' + num(dist.samples, 0) + ' samples', dist.x,
        [{ label: '% of samples', values: dist.y }], { xLabel: pair[1], logX: true, stepped: true });
    });
  }

  function serverSide(server) {
    var sec = section('Server side', 'server');
    var names = Object.keys(server || {});
    if (names.length === 0) {
      add(sec, 'p', 'muted', 'The server reported no timings (queue, load, prefill, decode) for these requests.');
      return;
    }
    var labels = { queueMs: 'queue', loadMs: 'load', promptEvalMs: 'prefill (prompt eval)', evalMs: 'decode (eval)',
      serverTotalMs: 'server total' };
    table(sec, PCT_HEADERS, names.map(function (n) { return pctRow(labels[n] || n, server[n].samples, server[n].pct); }));
  }

  /** The capacity search: verdict, bracket, achieved vs offered, latency vs offered with the predicted curve. */
  function capacitySearch(capacity) {
    var sec = section('Capacity', 'capacity');
    var steps = capacity.steps || [];
    var bracket = capacity.bracket || [];
    add(sec, 'p', 'capacity-verdict', capacity.verdict);
    var cards = add(sec, 'div', 'cards');
    card(cards, 'Max rate (req/s)', num(capacity.maxRatePerSec), 'highest offered rate that held in steady state');
    card(cards, 'Max users/s', num(capacity.maxUsersPerSec), 'virtual users/s carrying it');
    card(cards, 'Bracket (req/s)', '[' + num(bracket[0]) + ', ' + num(bracket[1]) + ']', 'last good, first bad');
    card(cards, 'Limited by', capacity.limitedBy || 'nothing failed');
    card(cards, 'Predicted max (req/s)', num(capacity.predictedMaxRatePerSec),
      capacity.model && isNum(capacity.model.slots) ? 'model: ' + capacity.model.slots + ' slots' : 'fitted model');
    if (capacity.searchEnded) { add(sec, 'p', 'muted', 'Search ended: ' + capacity.searchEnded); }
    // the search plays rates out of order (bisection): the charts show them by offered rate, the model's curve beside
    var predicted = capacity.predicted || [];
    var xs = [];
    steps.forEach(function (s) { if (isNum(s.offeredPerSec)) { xs.push(s.offeredPerSec); } });
    predicted.forEach(function (p) { if (isNum(p.offeredPerSec)) { xs.push(p.offeredPerSec); } });
    xs = xs.sort(function (a, b) { return a - b; }).filter(function (v, i, a) { return i === 0 || v !== a[i - 1]; });
    function at(list, key, field) {
      return xs.map(function (x) {
        var hit = null;
        list.forEach(function (item) { if (item[key] === x && isNum(item[field])) { hit = item[field]; } });
        return hit;
      });
    }
    var marks = [];
    if (isNum(bracket[0])) { marks.push({ x: bracket[0], label: 'last good', color: '#1a7f37' }); }
    if (isNum(bracket[1])) { marks.push({ x: bracket[1], label: 'first bad', color: '#c62828' }); }
    var grid = add(sec, 'div', 'charts');
    var opts = { xLabel: 'offered req/s', marks: marks };
    chart(grid, 'Achieved vs offered (req/s)', xs, [
      { label: 'achieved (completed/s)', values: at(steps, 'offeredPerSec', 'achievedPerSec') },
      { label: 'sent/s', values: at(steps, 'offeredPerSec', 'arrivalsPerSec') },
      { label: 'offered', values: xs.slice(), dash: [4, 4], color: '#999' }], opts);
    // past saturation the model's queue grows without bound: the y axis stops at twice the worst measured p95 so
    // that the measured points stay readable
    var measuredMax = 0;
    steps.forEach(function (s) {
      [s.ttftP95Ms, s.e2eP95Ms].forEach(function (v) { if (isNum(v) && v > measuredMax) { measuredMax = v; } });
    });
    chart(grid, 'Latency p95 vs offered (ms)', xs, [
      { label: 'TTFT p95', values: at(steps, 'offeredPerSec', 'ttftP95Ms') },
      { label: 'E2E p95', values: at(steps, 'offeredPerSec', 'e2eP95Ms') },
      { label: 'TTFT p95 predicted', values: at(predicted, 'offeredPerSec', 'ttftP95Ms'), dash: [6, 4] },
      { label: 'E2E p95 predicted', values: at(predicted, 'offeredPerSec', 'e2eP95Ms'), dash: [6, 4] }],
      { xLabel: opts.xLabel, marks: marks, yMax: measuredMax > 0 ? 2 * measuredMax : undefined });
    table(sec, ['step', 'offered req/s', 'users/s', 'sent/s', 'completed/s', 'requests', 'errors', 'TTFT p50',
      'TTFT p95', 'E2E p50', 'E2E p95', 'verdict'], steps.map(function (s, i) {
      return [String(i + 1), num(s.offeredPerSec), num(s.usersPerSec), num(s.arrivalsPerSec), num(s.achievedPerSec),
        num(s.requests, 0), pct(s.errorRate), ms(s.ttftP50Ms), ms(s.ttftP95Ms), ms(s.e2eP50Ms), ms(s.e2eP95Ms),
        s.steady ? 'held' : 'did not hold: ' + (s.failed || []).join(', ')];
    }));
  }

  function latencyVsLoad(steps, capacity) {
    if (capacity && capacity.verdict) { capacitySearch(capacity); return; }
    if (!steps || steps.length === 0) { return; }
    var sec = section('Latency vs load', 'latency-vs-load');
    if (capacity) {
      var cards = add(sec, 'div', 'cards');
      card(cards, 'Max rate (req/s)', num(capacity.maxRatePerSec), 'highest step meeting every run-wide SLO');
      card(cards, 'Limited by', capacity.limitedBy || 'nothing (no step failed)');
      card(cards, 'Predicted max (req/s)', num(capacity.predictedMaxRatePerSec), 'interpolated to the SLO threshold');
    }
    var open = steps.some(function (s) { return isNum(s.ratePerSec); });
    var x = steps.map(function (s) { return open ? s.ratePerSec : s.users; });
    var xLabel = open ? 'offered req/s' : 'users';
    var sorted = x.every(function (v, i) { return i === 0 || v > x[i - 1]; });
    var grid = add(sec, 'div', 'charts');
    if (sorted) {
      chart(grid, 'Latency vs load (ms)', x, [
        { label: 'TTFT p50', values: steps.map(function (s) { return s.ttftP50Ms; }) },
        { label: 'TTFT p95', values: steps.map(function (s) { return s.ttftP95Ms; }) },
        { label: 'E2E p50', values: steps.map(function (s) { return s.e2eP50Ms; }) },
        { label: 'E2E p95', values: steps.map(function (s) { return s.e2eP95Ms; }) }], { xLabel: xLabel });
      chart(grid, 'Throughput vs load', x, [
        { label: 'achieved req/s', values: steps.map(function (s) { return s.requestsPerSec; }) },
        { label: 'error rate %', values: steps.map(function (s) { return s.errorRate; }) }], { xLabel: xLabel });
    }
    table(sec, ['step', xLabel, 'requests', 'req/s', 'errors', 'out tok/s', 'TTFT p50', 'TTFT p95', 'ITL p95',
      'E2E p50', 'E2E p95', 'SLOs'], steps.map(function (s, i) {
      return [String(i + 1), num(open ? s.ratePerSec : s.users), num(s.requests, 0), num(s.requestsPerSec),
        pct(s.errorRate), num(s.outputTokensPerSec), ms(s.ttftP50Ms), ms(s.ttftP95Ms), ms(s.itlP95Ms),
        ms(s.e2eP50Ms), ms(s.e2eP95Ms), s.passed ? 'pass' : 'fail: ' + s.failed.join(', ')];
    }));
  }

  function renderRun(data) {
    var summary = data.summary;
    header(summary, 'profile ' + (data.profile || 'n/a'));
    if (data.skippedLines > 0) {
      add(root, 'div', 'banner warn', data.skippedLines + ' line(s) of requests.jsonl could not be read and were skipped.');
    }
    if (data.gatlingReport) {
      var p = add(root, 'p');
      var a = add(p, 'a', null, 'Gatling\'s HTTP report');
      a.setAttribute('href', data.gatlingReport);
    }
    // above half the prompt tokens from the server's cache, TTFT mostly measures the cache (ConsoleSummary's limit)
    if (isNum(summary.all.cacheHitRate) && summary.all.cacheHitRate > 0.5) {
      add(root, 'div', 'banner warn', 'The server served ' + pct(summary.all.cacheHitRate * 100) + ' of the '
        + num(summary.all.promptTokens, 0) + ' prompt tokens from its prompt cache: TTFT is flattered (cached '
        + 'prefixes skip prefill), and a comparison with a colder target is unfair. -Dllm.nonce=true measures cold '
        + 'prompts.');
    }
    if (summary.warmup) {
      add(root, 'p', 'muted', 'Warm-up before the measured load (in no figure of this page): '
        + num(summary.warmup.requests, 0) + ' request(s), ' + num(summary.warmup.ko, 0) + ' KO, cold load '
        + (isNum(summary.warmup.coldLoadMs) ? ms(summary.warmup.coldLoadMs) : 'not seen')
        + ' ("warmup": true in requests.jsonl).');
    }
    headline(summary);
    overTime(data.series, data.steps, data.resources, summary.run && summary.run.durationSec);
    distributions(data.distributions);
    reasoning(summary, data.distributions);
    var tasks = section('Per task', 'tasks');
    statsTable(tasks, summary.tasks);
    taskChecksTable(tasks, summary.tasks);
    var models = section('Per model', 'models');
    statsTable(models, summary.models);
    var errors = section('Errors by cause', 'errors');
    var causes = Object.keys(summary.all.errors || {});
    if (causes.length === 0) { add(errors, 'p', 'muted', 'No errors.'); } else {
      table(errors, ['cause', 'requests', 'share of all requests'], causes.map(function (c) {
        return [c, num(summary.all.errors[c], 0), pct(summary.all.errors[c] * 100 / summary.all.requests)];
      }));
      var samples = summary.errorSamples || {};
      var rows = [];
      Object.keys(samples).forEach(function (c) {
        samples[c].forEach(function (s) {
          rows.push([c, s.message, num(s.count, 0), s.task || '', s.model || '', s.first, s.last]);
        });
      });
      if (rows.length > 0) {
        add(errors, 'h3', null, 'What the server said (most frequent messages per cause)');
        table(errors, ['cause', 'message', 'requests', 'task', 'model', 'first', 'last'], rows);
      }
    }
    if (summary.all.staleRetries > 0) {
      var byTask = Object.keys(summary.tasks || {}).filter(function (t) { return summary.tasks[t].staleRetries > 0; })
        .map(function (t) { return t + ' ' + num(summary.tasks[t].staleRetries, 0); });
      add(errors, 'p', 'muted', num(summary.all.staleRetries, 0) + ' request(s) resent once on a new connection '
        + 'because their reused keep-alive connection closed before any response byte (not errors; "retried" in '
        + 'requests.jsonl)' + (byTask.length ? ': ' + byTask.join(', ') : '') + '.');
    }
    var client = section('Client side', 'client');
    table(client, PCT_HEADERS, [pctRow('client delay (sent − intended)', summary.all.requests, summary.all.clientDelayMs)]);
    if (summary.trace) {
      var trace = summary.trace;
      table(client, PCT_HEADERS, [pctRow('trace replay lag (sent − recorded)', summary.all.requests, trace.lagMs)]);
      add(client, 'p', 'muted', 'Trace ' + (trace.file || '') + ': ' + num(trace.requests, 0) + ' requests, '
        + num(trace.sessions, 0) + ' sessions; ' + num(trace.late, 0) + ' sent over 10 ms after their recorded time'
        + (trace.skippedLines > 0 ? '; ' + num(trace.skippedLines, 0) + ' malformed line(s) skipped' : '') + '.');
    }
    serverSide(data.server);
    latencyVsLoad(data.steps, summary.capacity);
    if (summary.resources) {
      resourcesTable(summary.resources);
    }
  }

  /* ---- compare ---- */
  function overlay(grid, title, runs, pick, opts) {
    var tables = [];
    var lines = [];
    runs.forEach(function (run, i) {
      var xy = pick(run);
      if (xy && xy[0] && xy[0].length > 0) {
        tables.push(xy);
        lines.push({ label: run.label, color: PALETTE[i % PALETTE.length] });
      }
    });
    if (tables.length === 0) { chart(grid, title, [], [], opts); return; }
    var joined = uPlot.join(tables);
    lines.forEach(function (l, i) { l.values = joined[i + 1]; });
    chart(grid, title, joined[0], lines, opts);
  }

  function renderCompare(data) {
    add(root, 'h1', null, 'LLM load test comparison');
    document.title = 'LLM comparison';
    var runs = data.runs;
    table(root, ['run', 'api @ baseUrl', 'models', 'profile', 'duration', 'start', 'SLOs'], runs.map(function (r) {
      var s = r.summary;
      return [r.label + (s.partial ? ' (partial)' : ''), (s.target.api || '') + ' @ ' + (s.target.baseUrl || ''),
        (s.target.models || []).join(', '), r.profile || 'n/a', num(s.run.durationSec, 1) + ' s', s.run.start,
        s.slo.length === 0 ? 'none' : s.passed ? 'passed' : 'failed'];
    }));
    (data.warnings || []).forEach(function (w) { add(root, 'div', 'banner warn', '⚠ ' + w); });

    var sec = section('Side by side', 'compare-table');
    add(sec, 'p', 'muted', 'Δ is relative to the first run; the better side is marked and named per metric'
      + ' (↓ lower is better, ↑ higher is better; rows without an arrow are shown unjudged).');
    var headers = ['metric'];
    runs.forEach(function (r, i) { headers.push(r.label); if (i > 0) { headers.push('Δ'); } });
    headers.push('better');
    var groups = [{ title: null, rows: data.rows }].concat(data.sections || []);
    groups.forEach(function (group) {
      var groupRows = group.rows;
      if (groupRows.length === 0) { return; }
      if (group.title) { add(sec, 'h3', null, group.title); }
      var classes = [];
      var rows = groupRows.map(function (row, r) {
        var arrow = row.better === 'lower' ? ' ↓' : row.better === 'higher' ? ' ↑' : '';
        var cells = [row.label + arrow];
        classes[r] = {};
        row.values.forEach(function (v, i) {
          if (i === row.best && row.values.length > 1) { classes[r][cells.length] = 'better'; }
          cells.push(row.unit === 'ms' ? ms(v) : row.unit === '%' ? pct(v) : num(v));
          if (i > 0) {
            var d = row.deltasPct[i];
            cells.push(isNum(d) ? (d > 0 ? '+' : '') + num(d, 1) + ' %' : '–');
          }
        });
        cells.push(row.best === null || row.best === undefined ? '–' : runs[row.best].label);
        return cells;
      });
      table(sec, headers, rows, function (r, c) { return classes[r][c] || null; });
    });

    var ot = section('Over time', 'over-time');
    add(ot, 'p', 'muted', 'x = seconds since each run\'s start.');
    var grid = add(ot, 'div', 'charts');
    var o = { xLabel: 's' };
    function ts(key) { return function (run) { return run.series ? [run.series.t, run.series[key]] : null; }; }
    function lat(key) { return function (run) { return run.series ? [run.series.t, run.series.latencyMs[key]] : null; }; }
    overlay(grid, 'Completions/s', runs, ts('completionsPerSec'), o);
    overlay(grid, 'Output tokens/s', runs, ts('outputTokensPerSec'), o);
    overlay(grid, 'In flight', runs, ts('inFlight'), o);
    overlay(grid, 'TTFT p95 (ms)', runs, lat('ttftP95'), o);
    overlay(grid, 'ITL p95 (ms)', runs, lat('itlP95'), o);
    overlay(grid, 'E2E p95 (ms)', runs, lat('e2eP95'), o);

    var ds = section('Distributions', 'distributions');
    add(ds, 'p', 'muted', 'Share of samples (%) per logarithmic bin (20 per decade), OK requests.');
    var dgrid = add(ds, 'div', 'charts');
    DISTRIBUTIONS.forEach(function (pair) {
      overlay(dgrid, pair[1], runs, function (run) {
        var d = run.distributions && run.distributions[pair[0]];
        return d ? [d.x, d.y] : null;
      }, { xLabel: pair[1], logX: true, stepped: true });
    });
    var tasks = section('Per task', 'tasks');
    runs.forEach(function (r) { add(tasks, 'h3', null, r.label); statsTable(tasks, r.summary.tasks); });
    var models = section('Per model', 'models');
    runs.forEach(function (r) { add(models, 'h3', null, r.label); statsTable(models, r.summary.models); });
  }

  try {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    if (data.kind === 'compare') { renderCompare(data); } else { renderRun(data); }
    root.appendChild(document.getElementById('definitions'));
  } catch (e) {
    window.__reportError('render: ' + e.message);
  }
  document.body.dataset.expectedCharts = String(expectedCharts);
})();
