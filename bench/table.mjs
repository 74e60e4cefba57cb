// Turns bench/run's raw RESULT lines (key=value ..., each with load=1m/5m/15m) into one markdown table.
// Usage: node bench/table.mjs RAW_FILE MODE STAMP COMMIT SECONDS
import fs from 'node:fs';
import os from 'node:os';

const [rawFile, mode, stamp, commit, seconds, only] = process.argv.slice(2);
const rows = fs.readFileSync(rawFile, 'utf8').trim().split('\n').filter(Boolean).map(line =>
  Object.fromEntries(line.trim().split(/\s+/).map(kv => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; })));
const num = v => Number(v);
const fmt = (v, d = 0) => Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const out = [];
const row = (part, condition, figure, value, goal = '', met = '', load = '') =>
  out.push(`| ${part} | ${condition} | ${figure} | ${value} | ${goal} | ${met} | ${load} |`);
const yes = ok => (ok ? 'yes' : '**no**');

// fidelity: one row pair per wire format and stream count, the median p99 of the rounds judged, each round listed
// with the GC pauses that fell in it (client and simulator share the JVM: a pause holds back every token due)
const fidelity = {};
for (const r of rows.filter(r => r.part === 'fidelity')) (fidelity[`${r.api ?? 'ollama'} ${r.streams}`] ??= []).push(r);
const wire = api => (api === 'openai' ? 'OpenAI SSE' : 'Ollama NDJSON');
for (const rs of Object.values(fidelity)) {
  const r0 = rs[0];
  const n = num(r0.streams);
  const goalHere = n === 1000;
  const rounds = rs.length > 1;
  const med = k => median(rs.map(r => num(r[k])));
  const max = k => Math.max(...rs.map(r => num(r[k])));
  const gc = `${r0.gc ?? 'GC'} pauses per round: `
    + rs.map(r => (r.gcPauses === undefined ? '?' : `${r.gcPauses} (${r.gcPauseMs} ms)`)).join(', ');
  const each = k => (rounds ? `; rounds ${rs.map(r => r[k]).join(', ')}` : '');
  const okKo = `${rs.reduce((a, r) => a + num(r.ok), 0)} ok, ${rs.reduce((a, r) => a + num(r.ko), 0)} ko`;
  const cond = `${wire(r0.api)}, ${fmt(n)} streams (max ${fmt(max('maxOpen'))} open, ${okKo}), ${r0.decode} tok/s, `
    + `${rs.length} round(s) (${gc})`;
  const pct = (p50, p99, mx) => `${med(p50).toFixed(3)} / ${med(p99).toFixed(3)} (${max(mx).toFixed(3)})`;
  const figure = what => `\\|${what} error\\| p50 / p99 (max)${rounds ? ', median of rounds' : ''}, ms`;
  row('1 timing', cond + each('ttftErrP99'), figure('TTFT'), pct('ttftErrP50', 'ttftErrP99', 'ttftErrMax'),
    goalHere ? 'p99 ≤ 2 ms' : '', goalHere ? yes(med('ttftErrP99') <= 2) : '', rs.map(r => r.load).join(' '));
  row('1 timing', `${wire(r0.api)}, ${fmt(n)} streams, ${fmt(med('gaps'))} gaps${each('gapErrP99')}`, figure('gap'),
    pct('gapErrP50', 'gapErrP99', 'gapErrMax'), goalHere ? 'p99 ≤ 2 ms' : '',
    goalHere ? yes(med('gapErrP99') <= 2) : '', rs.map(r => r.load).join(' '));
}
for (const r of rows.filter(r => r.part === 'stream')) {
  row('2 streaming', `${fmt(r.streams)} streams (min ${fmt(r.minOpen)} open), client pinned to 1 core`,
    'tokens/s received (client CPU)', `${fmt(r.tokensPerSec)} (${r.clientCores} core)`, '', '', r.load);
  row('2 streaming', 'same', 'tokens per client CPU-second', fmt(r.tokensPerCoreSec), '', '', r.load);
  row('2 streaming', 'same, after full GC', 'heap per open stream', `${r.heapPerStreamKb} KiB`, '', '', r.load);
}
const rate = rows.filter(r => r.part === 'rate');
if (rate.length) {
  const byTool = {};
  for (const r of rate) (byTool[r.tool] ??= []).push(r);
  const med = t => median((byTool[t] ?? []).map(r => num(r.requestsPerSec)));
  const us = t => median((byTool[t] ?? []).map(r => num(r.clientCores) * 1e6 / Math.max(num(r.requestsPerSec), 1)));
  const ours = med('llm-gatling');
  for (const tool of ['llm-gatling', 'wrk', 'autocannon']) {
    const rs = byTool[tool] ?? [];
    if (!rs.length) continue;
    const each = rs.map(r => fmt(r.requestsPerSec)).join(', ');
    const errors = rs.reduce((a, r) => a + num(r.errors), 0);
    const isOurs = tool === 'llm-gatling';
    const server = median(rs.map(r => num(r.serverCores ?? NaN)));
    const warm = isOurs && rs[0].warmupS ? ` after ${rs[0].warmupS} s of JIT warm-up` : '';
    row('3 request rate', `${tool}, ${rs[0].connections} connections, pinned to 1 core${warm}, ${rs.length} round(s): ${each}`,
      'requests/s, median (client CPU µs per request; simulator cores busy)',
      `${fmt(med(tool))} (${fmt(us(tool), 1)} µs; ${Number.isNaN(server) ? '?' : server.toFixed(2)})${errors ? `, ${errors} errors` : ''}`,
      isOurs ? '≥ 5,000' : '', isOurs ? yes(ours >= 5000) : '', rs.map(r => r.load).join(' '));
  }
  const oursServer = median((byTool['llm-gatling'] ?? []).map(r => num(r.serverCores ?? NaN)));
  const oursCores = median((byTool['llm-gatling'] ?? []).map(r => num(r.clientCores)));
  if (ours) row('3 request rate', `llm-gatling: ${oursServer >= 0.95 ? 'the simulator was saturated (≥ 0.95 core), so this is its ceiling' : 'the simulator had spare CPU'}`,
    'client cores used; req/s one client core would allow (1 s / CPU per request)',
    `${oursCores.toFixed(2)}; ${fmt(1e6 / us('llm-gatling'))}`, '', '', '');
  if (byTool.wrk) row('3 request rate', 'llm-gatling / wrk', 'ratio of medians', `${(ours / med('wrk')).toFixed(2)}x`, '', '', '');
  if (byTool.autocannon) row('3 request rate', 'llm-gatling / autocannon', 'client CPU per request, ratio',
    `${(us('llm-gatling') / us('autocannon')).toFixed(2)}x`, '', '', '');
  if (byTool.autocannon) row('3 request rate', 'llm-gatling / autocannon', 'ratio of medians',
    `${(ours / med('autocannon')).toFixed(2)}x`, '≥ 1.0x', yes(ours >= med('autocannon')), '');
}
const capacity = rows.filter(r => r.part === 'capacity');
if (capacity.length) {
  const tokens = median(capacity.map(r => num(r.tokensPerSec)));
  const errors = capacity.reduce((a, r) => a + num(r.errors), 0);
  const held = Math.min(...capacity.map(r => num(r.streamsOpenMin)));
  row('4 simulator', `${fmt(capacity[0].streamsOffered)} streams x 50 tok/s offered, raw-socket node client, ${errors} errors, `
      + `${capacity.length} round(s): ${capacity.map(r => fmt(r.tokensPerSec)).join(', ')}`,
    'tokens/s, median (streams held, min)', `${fmt(tokens)} (${fmt(held)})`, '≥ 200,000 tok/s',
    yes(tokens >= 200000), capacity.map(r => r.load).join(' '));
}
for (const r of rows.filter(r => r.part === 'report')) {
  row('5 report', `${fmt(r.records)} records, ${r.heap}`, 'wall time, peak RSS', `${r.seconds} s, ${fmt(r.peakRssMb)} MB`,
    '', '', r.load);
}

console.log(`### ${stamp} — bench/run${mode === 'quick' ? ' --quick' : ''}${only ? ' --only ' + only : ''} (${seconds} s), commit ${commit}, ${os.cpus().length} cores`);
console.log();
console.log('| part | condition | figure | value | goal | met | load avg 1/5/15 |');
console.log('|---|---|---|---|---|---|---|');
console.log(out.join('\n'));
