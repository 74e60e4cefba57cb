package io.llmgatling.capacity;

import io.llmgatling.engine.record.RequestRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Fits {@link ServerParams} from a run's records (docs/capacity-model.md, "What is fitted from what").
 *
 * <ol>
 *   <li>Usable records: OK, with an E2E; a request whose server-reported load time is a cold load is left out of
 *       every rate (it waited for the model, not for a slot). Failed requests and embeddings are left out.</li>
 *   <li>Queue time per request: the server's ({@code queueMs}) when most records carry it; otherwise a FIFO
 *       replay of the observed send and end times with N slots, N chosen as the smallest count that explains
 *       the TTFTs (too few slots invent waits longer than the TTFT, too many leave waits inside the prefill).</li>
 *   <li>Slots: the server's hint; else the number of requests holding a slot while others waited; else (no
 *       request ever waited) the most held at once, a lower bound.</li>
 *   <li>Decode: each streamed request's inter-token latency against the time-averaged number of requests holding
 *       a slot during its decode, fitted as {@code itl = (1 + b (n − 1)) / d1} by least squares.</li>
 *   <li>Prefill: TTFT − queue − load − one inter-token interval (the simulator's first token comes one interval
 *       after the prefill), fitted against the prompt tokens as {@code overhead + tokens / rate} when the prompt
 *       sizes vary enough, else as a rate through the origin.</li>
 * </ol>
 */
public final class ServerFit {
  /** Fewer usable generating requests than this: no model rather than a wrong one. */
  public static final int MIN_RECORDS = 10;
  /** A server-reported load time at least this long (and 10 % of the E2E) is a cold load. */
  static final double COLD_LOAD_MS = 50;

  /**
   * A fit.
   *
   * @param params  the fitted server
   * @param samples the requests to replay (task, prompt and output tokens of each usable request)
   * @param model   the summary's view of it
   * @param models  model names the run asked for (generating requests), in first-seen order
   * @param embeddingModels model names of embedding requests
   * @param naturalOutputTokens output tokens of answers that ended on their own (not on the limit)
   * @param decodeTable per-stream decode rate (tokens/s) by requests in the server, the simulator's {@code
   *                    decodeTable} ({@link #decodeTable}); null when fewer than two request counts had enough requests
   * @param cachedShare share of the prompt tokens the server served from its prompt cache (requests.jsonl {@code
   *                    cachedTokens}), null when fewer than half of the requests said; the prefill is then fitted on
   *                    the evaluated tokens (the prompt less the cached ones), and {@code samples} carry those
   * @param prefillTable prompt processing rate (evaluated tokens/s) by requests in the server, the simulator's {@code
   *                    prefillTable} ({@link #prefillTable}); null when the server did not report its prompt eval times
   *                    or fewer than two request counts had enough requests
   * @param sharedCachedTokens prompt tokens the server served from its cache on nearly every request (the 10th
   *                    percentile of {@code cachedTokens}: the start of its chat template, which llama.cpp keeps in every
   *                    slot), null when {@code cachedShare} is
   * @param contextMsPer1kTokens the pace's dependence on the context the slot holders hold, the simulator's {@code
   *                    contextMsPer1kTokens} ({@link #contextCost}); null when there is no decode table or the sweep
   *                    shows none
   * @param prefillSpread how much the server's prompt times vary about the fitted prefill model, the simulator's
   *                    {@code prefillJitter} ({@link #prefillSpread}); null when too few prompts were processed alone
   */
  public record Fit(ServerParams params, List<Sample> samples, ServerModel model, List<String> models,
                    List<String> embeddingModels, int[] naturalOutputTokens, Map<Integer, Double> decodeTable,
                    Double cachedShare, Map<Integer, Double> prefillTable, Integer sharedCachedTokens,
                    Double contextMsPer1kTokens, Double prefillSpread) {
  }

  /** Evaluated prompt tokens a prompt needs to weigh in {@link #prefillSpread} (below, the HTTP exchange's noise). */
  static final int MIN_SPREAD_PROMPT = 16;

  /** Interquartile range of the standard normal. */
  private static final double NORMAL_IQR = 1.349;

  /** The most {@link #prefillSpread} writes: a wider spread is a disturbed run, not the server. */
  static final double MAX_SPREAD = 0.5;

  /** Requests a request count needs in a run for its own {@link Fit#decodeTable} entry. */
  static final int MIN_TABLE_GROUP = 5;

  /** One usable record, times in ms on the run's epoch clock. */
  private static final class Obs {
    double start;
    double end;
    double e2e;
    double ttft = Double.NaN;
    double queue = Double.NaN;
    double load;
    double itl = Double.NaN;
    double serverPrefill = Double.NaN;
    /** The server's prompt eval time (ms; llama-server {@code timings.prompt_ms}), NaN when it did not say. */
    double promptEval = Double.NaN;
    /** Prompt tokens the server evaluated (less those it said it served from its cache), -1 when unknown. */
    int prompt = -1;
    /** Prompt tokens served from the server's cache, -1 when it did not say. */
    int cached = -1;
    int out;
    /** The gap before the last content chunk (ms), NaN when the record has no chunk gaps. */
    double lastGap = Double.NaN;
    boolean gen;
    boolean cold;
    String task;
    RequestRecord record;

    double holdStart() {
      return end - service();
    }

    double service() {
      return Math.max(0, e2e - (Double.isNaN(queue) ? 0 : queue) - load);
    }
  }

  private ServerFit() {
  }

  /** Fits the server, or returns null when the records do not allow it. */
  public static Fit fit(List<RequestRecord> records, CapacityAnalysis.ServerHints hints) {
    List<Obs> all = new ArrayList<>();
    Set<String> models = new LinkedHashSet<>();
    Set<String> embeddingModels = new LinkedHashSet<>();
    for (RequestRecord r : records) {
      Obs o = observe(r);
      if (o == null) {
        continue;
      }
      all.add(o);
      if (r.model() != null) {
        (o.gen ? models : embeddingModels).add(r.model());
      }
    }
    List<Obs> gen = all.stream().filter(o -> o.gen && !o.cold && !Double.isNaN(o.itl)).toList();
    if (gen.size() < MIN_RECORDS) {
      return null;
    }
    all.sort(Comparator.comparingDouble(o -> o.start));

    long withQueue = all.stream().filter(o -> !Double.isNaN(o.queue)).count();
    boolean serverQueue = withQueue >= 0.8 * all.size();
    int slots;
    String slotsFrom;
    if (serverQueue) {
      all.forEach(o -> o.queue = Double.isNaN(o.queue) ? 0 : o.queue);
      int[] found = slotsFromQueue(all);
      slots = found[0];
      slotsFrom = found[1] == 1 ? "queueing" : "inFlight";
    } else {
      int maxInFlight = maxInFlight(all);
      slots = chooseSlotsByReplay(all, gen, maxInFlight);
      slotsFrom = slots < maxInFlight ? "queueing" : "inFlight";
      replay(all, slots);
    }
    if (hints != null && hints.slots() != null && hints.slots() > 0) {
      slots = hints.slots();
      slotsFrom = "server";
      if (!serverQueue) {
        replay(all, slots);
      }
    }

    // decode: itl against the mean number of slot holders during the request's decode
    Occupancy occupancy = new Occupancy(all);
    double[] x = new double[gen.size()];
    double[] y = new double[gen.size()];
    for (int i = 0; i < gen.size(); i++) {
      Obs o = gen.get(i);
      double from = Double.isNaN(o.ttft) ? o.holdStart() : o.start + o.ttft;
      x[i] = Math.max(0, occupancy.mean(from, o.end) - 1);
      y[i] = o.itl;
    }
    double[] line = robustLine(x, y);
    double a = line[0];
    double c = line[1];
    if (Double.isNaN(c) || c < 0 || a <= 0) {
      a = mean(y);
      c = 0;
    }
    if (a <= 0) {
      return null;
    }
    double decode1 = 1000.0 / a;
    double slowdown = c / a;
    boolean inBatch = false;

    // prefill: TTFT − queue − load − one interval, against the prompt tokens
    List<double[]> prefills = new ArrayList<>();
    int knownPrompt = 0;
    for (Obs o : gen) {
      // at most the slots: with a client-estimated queue time (llama-server's), hold spans of a queueing run overlap
      double holders = Math.max(1, Math.min(slots, occupancy.at(o.holdStart())));
      double itlThere = (1 + slowdown * (holders - 1)) / decode1 * 1000;
      double pre;
      if (!Double.isNaN(o.ttft)) {
        pre = o.ttft - o.queue - o.load - Math.min(itlThere, o.itl);
      } else if (!Double.isNaN(o.serverPrefill)) {
        pre = o.serverPrefill;
      } else {
        continue;
      }
      prefills.add(new double[] {Math.max(0, o.prompt), Math.max(0, pre), holders});
      if (o.prompt > 0) {
        knownPrompt++;
      }
    }
    double overhead = 0;
    Double prefillRate = null;
    if (!prefills.isEmpty()) {
      double[] px = prefills.stream().mapToDouble(p -> p[0]).toArray();
      double[] py = prefills.stream().mapToDouble(p -> p[1]).toArray();
      if (knownPrompt < prefills.size() / 2) {
        overhead = mean(py);
      } else {
        double[] alone = fitPrefill(px, py, prefills.size());
        overhead = alone[0];
        prefillRate = Double.isNaN(alone[1]) ? null : alone[1];
      }
    }

    // the prompt in the decoding streams' batch (llama.cpp on a compute-bound engine): while a prompt is processed
    // every decoding stream waits. Both models are fitted; the one whose predicted TTFT (less the queue) and ITL
    // medians are nearer the observed ones at every concurrency seen is kept (Choice)
    if (prefillRate != null && knownPrompt >= prefills.size() / 2 && prefills.size() == gen.size()) {
      double[] inBatchFit = fitInBatch(gen, prefills, x, y);
      if (inBatchFit != null) {
        double plainError = Choice.plain(prefills, x, y, overhead, prefillRate, 1000.0 / decode1,
            slowdown * 1000.0 / decode1);
        double batchError = Choice.inBatch(gen, prefills, x, y, inBatchFit);
        if (batchError < plainError) {
          inBatch = true;
          overhead = inBatchFit[0];
          prefillRate = inBatchFit[1];
          decode1 = inBatchFit[2];
          slowdown = inBatchFit[3];
        }
      }
    }
    double[] cold = all.stream().filter(o -> o.cold).mapToDouble(o -> o.load).sorted().toArray();
    double loadMs = cold.length == 0 ? 0 : cold[cold.length / 2];
    ServerParams params = new ServerParams(slots, slotsFrom, overhead, prefillRate, decode1, slowdown, loadMs,
        inBatch);

    List<Sample> samples = new ArrayList<>();
    List<Integer> natural = new ArrayList<>();
    for (Obs o : gen) {
      boolean capped = "length".equals(o.record.finishReason());
      samples.add(new Sample(o.task, Math.max(0, o.prompt), o.out, capped));
      if (!capped && o.record.finishReason() != null) {
        natural.add(o.out);
      }
    }
    double[] service = gen.stream().mapToDouble(Obs::service).toArray();
    ServerModel model = toModel(params, service);
    Map<Integer, Double> prefillTable = prefillTable(all, gen, inBatch);
    double[] stall = !inBatch ? new double[gen.size()]
        : prefillTable == null ? Choice.stallPerToken(gen, overhead, prefillRate)
        : Choice.stallPerToken(gen, tableCosts(all, gen, prefillTable));
    long withCache = gen.stream().filter(o -> o.cached >= 0).count();
    double cachedSum = gen.stream().filter(o -> o.cached >= 0).mapToDouble(o -> o.cached).sum();
    double promptSum = gen.stream().filter(o -> o.cached >= 0).mapToDouble(o -> o.cached + o.prompt).sum();
    Double cachedShare = withCache * 2 >= gen.size() && promptSum > 0 ? round(cachedSum / promptSum, 4) : null;
    Integer sharedCached = null;
    if (cachedShare != null) {
      double[] cachedTokens = gen.stream().filter(o -> o.cached >= 0).mapToDouble(o -> o.cached).sorted().toArray();
      sharedCached = (int) percentile(cachedTokens, 10);
    }
    double[] context = holdersContext(gen);
    Double contextCost = contextCost(all, gen, y, stall, context);
    Map<Integer, Double> decodeTable = decodeTable(all, gen, y, stall, context, contextCost == null ? 0 : contextCost);
    double rateAlone = prefillTable != null && prefillTable.containsKey(1) ? prefillTable.get(1)
        : prefillRate == null ? Double.NaN : prefillRate;
    Double spread = prefillSpread(gen, new Occupancy(all, true), overhead, rateAlone);
    return new Fit(params, List.copyOf(samples), model, List.copyOf(models), List.copyOf(embeddingModels),
        natural.stream().mapToInt(Integer::intValue).toArray(), decodeTable, cachedShare, prefillTable,
        sharedCached, decodeTable == null ? null : contextCost, spread);
  }

  /**
   * How much the server's prompt times vary about the fitted prefill model ({@code overheadMs + tokens / rate}), as
   * the simulator's {@code prefillJitter}: the interquartile range of ln(observed / predicted) over 1.349, the standard
   * deviation of a normal with that range (the simulator multiplies a prompt's time by e^(J × Z)). Prompts processed
   * alone only (one request in the server from its start to its first token) of at least {@link #MIN_SPREAD_PROMPT}
   * evaluated tokens, timed by the server's prompt eval time when it reports one, else TTFT less queue, load and one
   * token. Why: a prompt's time on the real llama.cpp engine (one CPU thread) is no constant: the same 40-token prompt
   * in the same run position took 83-145 ms over six runs (observed / median over all such prompts: 10th percentile
   * 0.85, 90th 1.26), and what the KV cache holds adds to it; the 1-stream TTFT p50 sat at the top of the one-message
   * prompts, 196-264 ms on the engine, where the simulator's draws in [0.9, 1.1] ended at 178 (−21 % in run Z). The
   * simulator draws this spread for prompts only: see {@code ModelSpec.prefillJitter}.
   *
   * @return J rounded to 3 digits, at most {@link #MAX_SPREAD}; null with fewer than {@link #MIN_RECORDS} such
   *     prompts or no prefill rate
   */
  static Double prefillSpread(List<Obs> gen, Occupancy inServer, double overheadMs, double rate) {
    if (!(rate > 0)) {
      return null;
    }
    List<Double> ratios = new ArrayList<>();
    for (Obs o : gen) {
      if (o.prompt < MIN_SPREAD_PROMPT || Double.isNaN(o.ttft)) {
        continue;
      }
      if (inServer.mean(o.start, o.start + o.ttft) > 1.0 + 1e-6) {
        continue;
      }
      double observed = !Double.isNaN(o.promptEval) ? o.promptEval
          : o.ttft - (Double.isNaN(o.queue) ? 0 : o.queue) - o.load - (Double.isNaN(o.itl) ? 0 : o.itl);
      double predicted = overheadMs + o.prompt * 1000.0 / rate;
      if (observed > 0 && predicted > 0) {
        ratios.add(observed / predicted);
      }
    }
    if (ratios.size() < MIN_RECORDS) {
      return null;
    }
    double[] r = ratios.stream().mapToDouble(Math::log).sorted().toArray();
    return round(Math.min(MAX_SPREAD, (percentile(r, 75) - percentile(r, 25)) / NORMAL_IQR), 3);
  }

  /**
   * The prompt cost as the server measured it, per number of requests in the server while the prompt was processed
   * (time-averaged over its prompt eval, rounded; as {@link #decodeTable} counts): evaluated tokens (the prompt less
   * the cached ones) per second of the server's prompt eval time ({@code promptEvalMs}), summed over the count's
   * requests. Prompts processed in one pass of a server whose prompts share the decode batch ({@code prefillInBatch}:
   * llama.cpp puts every prompt pending at a pass in its batch; their prompt evals end together) each report the whole pass's time: each is charged the tokens of the whole pass, since the
   * simulator books its own prompt into the pass and ends them all with it ({@code PromptBatch}). Why a table: on the
   * real llama.cpp engine (4 slots, one CPU thread) a prompt cost 4.0 ms an evaluated token alone, 4.4 with 2 requests
   * in the server and 5.3 with 8 per token of its pass (7.0 and 8.6 per token of its own), and the simulator charging
   * the alone cost left TTFT 35 % short at 2-8 streams.
   *
   * @return request count to evaluated tokens/s, ascending; null when fewer than two counts had {@link
   *     #MIN_TABLE_GROUP} requests with a prompt eval time (and a quarter of the most any count had)
   */
  static Map<Integer, Double> prefillTable(List<Obs> all, List<Obs> gen, boolean inBatch) {
    List<Obs> timed = gen.stream().filter(o -> o.promptEval > 0 && o.prompt >= 1).toList();
    if (timed.size() < MIN_RECORDS) {
      return null;
    }
    double[] passTokens = inBatch ? passTokens(timed) : timed.stream().mapToDouble(o -> o.prompt).toArray();
    Occupancy inServer = new Occupancy(all, true);
    Map<Integer, double[]> groups = new java.util.TreeMap<>();
    for (int i = 0; i < timed.size(); i++) {
      Obs o = timed.get(i);
      int n = (int) Math.max(1, Math.round(inServer.mean(evalEnd(o) - o.promptEval, evalEnd(o))));
      double[] g = groups.computeIfAbsent(n, k -> new double[3]);
      g[0] += o.promptEval;
      g[1] += passTokens[i];
      g[2]++;
    }
    // a count passed only while a closed loop turned around (5-7 requests in a sweep of 1, 2, 4 and 8 users: 6-14
    // requests each against 51-61 for the users' counts) is noise (6: 98.6 tok/s between 211 at 4 and 166 at 8 on the
    // real engine), and the simulator grants most of an 8-user loop's prompts at 7, between two measured counts
    double largest = groups.values().stream().mapToDouble(g -> g[2]).max().orElse(0);
    Map<Integer, Double> table = new java.util.TreeMap<>();
    groups.forEach((n, g) -> {
      if (g[2] >= MIN_TABLE_GROUP && g[2] >= largest / 4 && g[0] > 0) {
        table.put(n, round(g[1] * 1000.0 / g[0]));
      }
    });
    return table.size() >= 2 ? java.util.Collections.unmodifiableMap(table) : null;
  }

  /** Per request, the requests in the server while it decoded (time-averaged, rounded): the decode table's key. */
  private static int[] requestCounts(List<Obs> all, List<Obs> gen) {
    Occupancy inServer = new Occupancy(all, true);
    int[] count = new int[gen.size()];
    for (int i = 0; i < gen.size(); i++) {
      Obs o = gen.get(i);
      double from = Double.isNaN(o.ttft) ? o.holdStart() : o.start + o.ttft;
      count[i] = (int) Math.max(1, Math.round(inServer.mean(from, o.end)));
    }
    return count;
  }

  /** Points a request's decode is sampled at for {@link #holdersContext}. */
  private static final int CONTEXT_SAMPLES = 16;

  /**
   * Per request, the slot holders × the context tokens they hold (each its whole prompt, cached tokens included, and
   * its tokens generated so far, linear between its first and last token), averaged over the request's decode: what
   * each of its tokens attended over on a server that keeps its slots in one KV cache (llama.cpp), the simulator's
   * {@code contextMsPer1kTokens} multiplying it.
   */
  static double[] holdersContext(List<Obs> gen) {
    Obs[] byStart = gen.toArray(new Obs[0]);
    Arrays.sort(byStart, Comparator.comparingDouble(Obs::holdStart));
    double[] context = new double[gen.size()];
    for (int i = 0; i < gen.size(); i++) {
      Obs o = gen.get(i);
      double first = Double.isNaN(o.ttft) ? o.holdStart() : o.start + o.ttft;
      double sum = 0;
      for (int k = 0; k < CONTEXT_SAMPLES; k++) {
        double t = first + (o.end - first) * (k + 0.5) / CONTEXT_SAMPLES;
        int holders = 0;
        double tokens = 0;
        for (Obs h : byStart) {
          if (h.holdStart() > t) {
            break;
          }
          if (t < h.end) {
            holders++;
            double hFirst = Double.isNaN(h.ttft) ? h.holdStart() : h.start + h.ttft;
            double done = t <= hFirst || h.end <= hFirst ? 0 : (t - hFirst) / (h.end - hFirst) * h.out;
            tokens += Math.max(0, h.prompt) + Math.max(0, h.cached) + done;
          }
        }
        sum += holders * tokens;
      }
      context[i] = sum / CONTEXT_SAMPLES;
    }
    return context;
  }

  /**
   * ms per 1,000 of {@link #holdersContext} each token interval grows by: the slope of the inter-token latencies (less
   * their stalls) on the context, pooled within the decode table's request counts (so that a count's own pace is not
   * taken for context), once more without the points beyond 3 robust standard deviations. Null when it is not
   * positive or explains less than a tenth of the latencies' spread within the counts. On the real llama.cpp engine (4
   * slots, 8 × 512 F16, one thread) the 4-stream rounds decoded at 23.5-25 ms a token with 276-377 prompt tokens in
   * the slots and at 31.5-34 ms with 600-1,125: the table's median alone played every round at 25 ms, and the
   * simulator's inter-token latency p50 at 4 streams came out 17.6 % short.
   */
  static Double contextCost(List<Obs> all, List<Obs> gen, double[] itl, double[] stall, double[] context) {
    int[] count = requestCounts(all, gen);
    double[] y = new double[gen.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = itl[i] - stall[i];
    }
    boolean[] keep = new boolean[y.length];
    Arrays.fill(keep, true);
    double[] slope = pooledSlope(count, context, y, keep);
    if (slope == null) {
      return null;
    }
    double[] residual = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      residual[i] = y[i] - slope[1] * context[i] / 1000;
    }
    // the line within each count: its slope through the count's median residual; beyond 3 robust sd of it: out
    Map<Integer, List<Double>> byCount = new java.util.HashMap<>();
    for (int i = 0; i < y.length; i++) {
      byCount.computeIfAbsent(count[i], k -> new ArrayList<>()).add(residual[i]);
    }
    Map<Integer, Double> centre = new java.util.HashMap<>();
    byCount.forEach((n, r) -> centre.put(n, Choice.median(r.stream().mapToDouble(Double::doubleValue).toArray())));
    double[] fitted = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      fitted[i] = centre.get(count[i]) + slope[1] * context[i] / 1000;
    }
    keep = inliers(y, fitted);
    slope = pooledSlope(count, context, y, keep);
    if (slope == null || !(slope[1] > 0) || slope[0] < 0.1) {
      return null;
    }
    return round(slope[1], 5);
  }

  /**
   * Least-squares slope (ms of y per 1,000 of x) of y on x within groups (deviations from each group's means), over
   * the kept points of groups with {@link #MIN_TABLE_GROUP} of them: {@code [share of the within-group variance of y
   * it explains, slope]}; null without such groups or spread.
   */
  private static double[] pooledSlope(int[] group, double[] x, double[] y, boolean[] keep) {
    Map<Integer, double[]> sums = new java.util.HashMap<>();
    for (int i = 0; i < y.length; i++) {
      if (keep[i]) {
        double[] s = sums.computeIfAbsent(group[i], k -> new double[3]);
        s[0]++;
        s[1] += x[i];
        s[2] += y[i];
      }
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < y.length; i++) {
      double[] s = sums.get(group[i]);
      if (!keep[i] || s[0] < MIN_TABLE_GROUP) {
        continue;
      }
      double dx = (x[i] - s[1] / s[0]) / 1000;
      double dy = y[i] - s[2] / s[0];
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx <= 0 || syy <= 0) {
      return null;
    }
    double slope = sxy / sxx;
    return new double[] {slope * sxy / syy, slope};
  }

  /**
   * When a prompt's eval ended: at its first token (llama.cpp samples it from the prompt's pass), else its grant plus
   * its eval time (the server's eval time leaves out a wait for the pass running at its grant).
   */
  private static double evalEnd(Obs o) {
    return Double.isNaN(o.ttft) ? o.holdStart() + o.promptEval : o.start + o.ttft;
  }

  /**
   * Per request, the evaluated tokens of the pass its prompt was processed in: its own and those of the prompts whose
   * eval ended with it (within 15 ms or 5 % of its eval time) and overlapped it.
   */
  private static double[] passTokens(List<Obs> timed) {
    double[] tokens = new double[timed.size()];
    for (int i = 0; i < timed.size(); i++) {
      Obs o = timed.get(i);
      double end = evalEnd(o);
      double start = end - o.promptEval;
      double tolerance = Math.max(15, 0.05 * o.promptEval);
      tokens[i] = o.prompt;
      for (int j = 0; j < timed.size(); j++) {
        Obs p = timed.get(j);
        double pEnd = evalEnd(p);
        double pStart = pEnd - p.promptEval;
        if (j != i && Math.abs(pEnd - end) <= tolerance && pStart < end && start < pEnd) {
          tokens[i] += p.prompt;
        }
      }
    }
    return tokens;
  }

  /**
   * Per request, the prompt time the simulator books for it under a fitted {@link #prefillTable}: its evaluated tokens
   * at the table's rate for the requests in the server at its admission.
   */
  private static double[] tableCosts(List<Obs> all, List<Obs> gen, Map<Integer, Double> table) {
    Map<String, Double> keyed = new java.util.LinkedHashMap<>();
    table.forEach((n, rate) -> keyed.put(Integer.toString(n), rate));
    Occupancy inServer = new Occupancy(all, true);
    double[] cost = new double[gen.size()];
    for (int i = 0; i < gen.size(); i++) {
      Obs o = gen.get(i);
      double n = Math.max(1, inServer.at(o.holdStart()));
      cost[i] = Math.max(0, o.prompt) * 1000.0 / io.llmgatling.simulator.PerformanceModel.tableRate(keyed, n);
    }
    return cost;
  }

  /**
   * The decode pace as measured, per number of requests in the server (sent and not yet answered in full, so
   * holding a slot or queued for one: a closed loop of N users keeps N there): the median over the requests that
   * decoded with that many around (time-averaged over their decode, rounded) of their inter-token latency less the
   * stalls of the prompts processed meanwhile that the simulator adds itself ({@code prefillInBatch}), as a rate. The
   * simulator interpolating it plays the sweep it comes from at each of its concurrencies. Why not the slot holders
   * with a batch slowdown alone: on the real llama.cpp engine with 4 slots, the same 4 busy slots decoded at 31.7 ms
   * a token with 4 users and 41.9 ms with 8 (run E of bench/RESULTS.md; eval 35.5 against 43.2 ms a token by the
   * engine's own counters), its KV cache holding the rotating conversations of all of them; a slowdown fitted on
   * the holders put the simulator 20-24 % fast at 8 users.
   *
   * @return request count to per-stream tokens/s, ascending; null when fewer than two counts had {@link
   *     #MIN_TABLE_GROUP} requests
   */
  static Map<Integer, Double> decodeTable(List<Obs> all, List<Obs> gen, double[] itl, double[] stall) {
    return decodeTable(all, gen, itl, stall, new double[gen.size()], 0);
  }

  /**
   * {@link #decodeTable(List, List, double[], double[])} of a server whose pace depends on the context its slots hold:
   * each request's inter-token latency less its stalls and less {@code contextCost} × its {@code context} (ms per 1,000
   * of {@link #holdersContext}), the table then being the pace with no context held.
   */
  static Map<Integer, Double> decodeTable(List<Obs> all, List<Obs> gen, double[] itl, double[] stall,
      double[] context, double contextCost) {
    int[] count = requestCounts(all, gen);
    Map<Integer, List<Double>> groups = new java.util.TreeMap<>();
    for (int i = 0; i < gen.size(); i++) {
      int n = count[i];
      double ms = itl[i] - stall[i] - contextCost * context[i] / 1000;
      if (ms > 0) {
        groups.computeIfAbsent(n, k -> new ArrayList<>()).add(ms);
      }
    }
    // as in the prefill table, a count passed only while a closed loop turned around is noise (the real engine's 5
    // requests in the server: 68.5 tok/s between 50.7 at 4 and 49.8 at 8)
    int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
    Map<Integer, Double> table = new java.util.TreeMap<>();
    groups.forEach((n, ms) -> {
      if (ms.size() >= MIN_TABLE_GROUP && ms.size() * 4 >= largest) {
        table.put(n, round(1000.0 / Choice.median(ms.stream().mapToDouble(Double::doubleValue).toArray())));
      }
    });
    // a stream never decodes faster beside others than with the fewest requests seen: such a count's requests had
    // more stall taken off than they met (on the real engine, the few requests of a 4-user run that decoded while
    // it wound down to 3: 412 tok/s where 1 request alone gave 98.6)
    if (!table.isEmpty()) {
      double first = table.values().iterator().next();
      table.entrySet().removeIf(e -> e.getValue() > first * 1.05);
    }
    return table.size() >= 2 ? java.util.Collections.unmodifiableMap(table) : null;
  }

  /**
   * The fit of a server whose prompts share the decoding streams' batch ({@code prefillInBatch}): the prefill from
   * the requests admitted alone (no stream to stall, none stalling them), then each request's inter-token latency
   * less the prefills of the requests admitted during its decode (spread over its tokens), fitted against the holders
   * as usual. On the real llama.cpp engine (4 slots, CPU-bound) a 2-stream closed loop gave 26 ms between tokens
   * where one stream alone gave 10, the other stream's prompts being most of the difference.
   *
   * @return {@code [overheadMs, prefill rate, decode(1), batch slowdown]}, or null when it cannot be fitted (fewer
   *     than 5 requests admitted alone)
   */
  private static double[] fitInBatch(List<Obs> gen, List<double[]> prefills, double[] x, double[] y) {
    List<double[]> aloneOnes = prefills.stream().filter(p -> p[2] <= 1.0 && p[0] > 0).toList();
    if (aloneOnes.size() < MIN_RECORDS / 2) {
      return null;
    }
    double[] ax = aloneOnes.stream().mapToDouble(p -> p[0]).toArray();
    double[] ay = aloneOnes.stream().mapToDouble(p -> p[1]).toArray();
    double[] pre = fitPrefill(ax, ay, aloneOnes.size());
    if (Double.isNaN(pre[1])) {
      return null;
    }
    double overhead = pre[0];
    double rate = pre[1];
    double[] stall = Choice.stallPerToken(gen, overhead, rate);
    double[] y2 = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      y2[i] = y[i] - stall[i];
    }
    double[] line = anchoredLine(x, y2);
    double a2 = line[0];
    double c2 = Double.isNaN(line[1]) ? 0 : line[1];
    if (a2 <= 0 || c2 < 0) {
      return null;
    }
    return new double[] {overhead, rate, 1000.0 / a2, c2 / a2};
  }

  /**
   * {@code y = a + c x} with a anchored on the streams that decoded alone (x below 0.1: the median of their y) when
   * there are at least 5, and c the least-squares slope of the others through that point (once more without points
   * beyond 3 robust standard deviations); otherwise {@link #robustLine}. A free line through a compute-bound engine's
   * ITLs (9.5, 22.7 and 42 ms at 1, 2 and 4 streams, real llama.cpp under load 7-10) put decode(1) at 13 ms: one
   * stream 37 % slow in the simulator, where the requests alone say it directly.
   */
  static double[] anchoredLine(double[] x, double[] y) {
    List<Double> alone = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (x[i] < 0.1) {
        alone.add(y[i]);
      }
    }
    if (alone.size() < MIN_RECORDS / 2 || alone.size() == x.length) {
      return robustLine(x, y);
    }
    alone.sort(null);
    double a = alone.get(alone.size() / 2);
    double c = slopeThrough(x, y, a, null);
    double[] fitted = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      fitted[i] = a + c * x[i];
    }
    return new double[] {a, slopeThrough(x, y, a, inliers(y, fitted))};
  }

  private static double slopeThrough(double[] x, double[] y, double a, boolean[] keep) {
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] >= 0.1 && (keep == null || keep[i])) {
        sxy += x[i] * (y[i] - a);
        sxx += x[i] * x[i];
      }
    }
    return sxx > 0 ? sxy / sxx : 0;
  }

  /**
   * Which prompt model to keep, judged on the figures a calibration is judged on: per concurrency seen (the
   * requests holding a slot at a request's admission, 1 to the slots), the relative error of the median predicted
   * TTFT less the queue (prefill + first interval) against the observed median, and the same for the ITL; a model's
   * error is the worst of these. It used to be kept when the stalls explained the ITLs 20 % better (median absolute
   * residual) than the plain fit: on the same real llama.cpp engine that test went one way at 16:40 and the other at
   * 17:19 (TTFT at 1 stream +10 % then +80 %), the plain fit putting the batched prompts' cost into a 313 ms fixed
   * prefill that every lone prompt then paid too.
   */
  static final class Choice {
    private Choice() {
    }

    /** Worst group error of the plain model: prefill {@code overhead + tokens / rate}, ITL {@code a + c x}. */
    static double plain(List<double[]> prefills, double[] x, double[] y, double overhead, double rate, double a,
                        double c) {
      double[] pre = new double[prefills.size()];
      double[] itl = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        pre[i] = overhead + prefills.get(i)[0] * 1000.0 / rate;
        itl[i] = a + c * x[i];
      }
      return worst(prefills, y, pre, itl, false);
    }

    /**
     * Worst group error of the in-batch model: each prompt's pass replayed over the observed admissions as the
     * simulator plays it ({@code PromptBatch}: a prompt admitted while a pass runs joins the next one, done when
     * that pass's prompts all are; its first token comes with the pass), ITL = the fitted line plus the stalls of the
     * prompts admitted during the decode.
     */
    static double inBatch(List<Obs> gen, List<double[]> prefills, double[] x, double[] y, double[] fit) {
      double a = 1000.0 / fit[2];
      double c = fit[3] * a;
      double[][] passes = passes(gen, fit[0], fit[1]);
      double[] stall = stallPerToken(gen, passes);
      double[] itl = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        itl[i] = a + c * x[i] + stall[i];
      }
      return worst(prefills, y, passes[0], itl, true);
    }

    /**
     * The prompts' passes replayed over the observed admissions as the simulator plays them ({@code PromptBatch}: a
     * prompt admitted while a pass runs joins the next one, done when that pass's prompts all are).
     *
     * @return per request, {@code [0]} its predicted prefill (its pass's end − its admission), {@code [1]} the
     *     prompt time it added to its pass and {@code [2]} when its pass began
     */
    static double[][] passes(List<Obs> gen, double overhead, double rate) {
      double[] cost = new double[gen.size()];
      for (int i = 0; i < cost.length; i++) {
        cost[i] = overhead + Math.max(0, gen.get(i).prompt) * 1000.0 / rate;
      }
      return passes(gen, cost);
    }

    /** {@link #passes(List, double, double)} with each request's prompt time given ({@code cost}, ms). */
    static double[][] passes(List<Obs> gen, double[] cost) {
      Integer[] order = new Integer[gen.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingDouble(i -> gen.get(i).holdStart()));
      double[] pre = new double[gen.size()];
      double[] booked = new double[gen.size()];
      double[] begins = new double[gen.size()];
      List<Integer> pass = new ArrayList<>();
      double passStart = Double.NEGATIVE_INFINITY;
      double passCost = 0;
      for (int i : order) {
        double t = gen.get(i).holdStart();
        if (pass.isEmpty() || passStart <= t) {
          // the last pass has begun: its prompts are done at its end
          for (int j : pass) {
            pre[j] = passStart + passCost - gen.get(j).holdStart();
          }
          passStart = pass.isEmpty() ? t : Math.max(t, passStart + passCost);
          passCost = 0;
          pass.clear();
        }
        booked[i] = cost[i];
        begins[i] = passStart;
        pass.add(i);
        passCost += booked[i];
      }
      for (int j : pass) {
        pre[j] = passStart + passCost - gen.get(j).holdStart();
      }
      return new double[][] {pre, booked, begins};
    }

    /** Per request, the prompt time of the passes that began during its decode, spread over its tokens. */
    static double[] stallPerToken(List<Obs> gen, double overhead, double rate) {
      return stallPerToken(gen, passes(gen, overhead, rate));
    }

    /**
     * {@link #stallPerToken(List, double, double)} with each request's prompt time given ({@code cost}, ms).
     */
    static double[] stallPerToken(List<Obs> gen, double[] cost) {
      return stallPerToken(gen, passes(gen, cost));
    }

    /**
     * Per request, the prompt time of the passes ({@link #passes}) that stalled its decode, spread over its tokens, as
     * the simulator charges them ({@code PromptBatch}): the prompts admitted after it into a later pass than its own
     * (those joining its pass delay its first token instead), until one interval before its last token (the last
     * token is on its way: llama.cpp's pass for it already runs, and a prompt admitted then waits for it; the
     * simulator has scheduled it). Why not every prompt admitted
     * between the first and the last token: in a 4-user closed loop on the real llama.cpp engine the rounds went one
     * prompt alone, then three together while the first decoded (its second token 820-2,600 ms after its first), and
     * the next round's lone prompt came while the three had one token left, which it did not hold back (their token
     * gaps all under 60 ms); the old rule charged the three that prompt and the first none of theirs, and the decode
     * table's 4-request pace came out a stall short of the three's.
     */
    static double[] stallPerToken(List<Obs> gen, double[][] passes) {
      double[] pre = passes[0];
      double[] booked = passes[1];
      double[] begins = passes[2];
      double[] stall = new double[gen.size()];
      for (int i = 0; i < gen.size(); i++) {
        Obs o = gen.get(i);
        double first = Double.isNaN(o.ttft) ? o.holdStart() : o.start + o.ttft;
        double passEnd = o.holdStart() + pre[i] - 1e-6;
        double sum = stallSum(gen, i, passEnd, o.end, booked, begins);
        // when the last token was on its way: its own gap when the record has the gaps, else the pace (the mean
        // interval less the stalls; the mean with them cut 8 % of the stalls off a synthetic 8-user loop's streams)
        double last = o.lastGap;
        if (Double.isNaN(last)) {
          last = o.out > 1 ? Math.max(0, (o.end - first - sum) / (o.out - 1)) : 0;
        }
        sum = stallSum(gen, i, passEnd, o.end - last, booked, begins);
        stall[i] = sum / Math.max(1, o.out - 1);
      }
      return stall;
    }

    /** The prompt time of the passes after request i's own ({@code passEnd}) booked from its admission until {@code to}. */
    private static double stallSum(List<Obs> gen, int i, double passEnd, double to, double[] booked, double[] begins) {
      double from = gen.get(i).holdStart();
      double sum = 0;
      for (int j = 0; j < gen.size(); j++) {
        double at = gen.get(j).holdStart();
        if (j != i && at >= from && at < to && begins[j] >= passEnd) {
          sum += booked[j];
        }
      }
      return sum;
    }

    /**
     * The worst relative error of the group medians (TTFT less the queue, ITL) over the concurrencies seen; the
     * predicted first token one interval after the prefill, or with it ({@code firstWithPass}: a prompt in the decode
     * batch gives its first token with its pass, as llama.cpp samples it from the pass's logits).
     */
    private static double worst(List<double[]> prefills, double[] y, double[] pre, double[] itl,
        boolean firstWithPass) {
      Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < y.length; i++) {
        groups.computeIfAbsent((int) Math.round(prefills.get(i)[2]), k -> new ArrayList<>()).add(i);
      }
      double worst = 0;
      for (List<Integer> g : groups.values()) {
        if (g.size() < 3) {
          continue;
        }
        double[] headObs = g.stream().mapToDouble(i -> prefills.get(i)[1] + y[i]).toArray();
        double[] headPred = g.stream().mapToDouble(i -> pre[i] + (firstWithPass ? 0 : itl[i])).toArray();
        double[] itlObs = g.stream().mapToDouble(i -> y[i]).toArray();
        double[] itlPred = g.stream().mapToDouble(i -> itl[i]).toArray();
        worst = Math.max(worst, relativeError(median(headPred), median(headObs)));
        worst = Math.max(worst, relativeError(median(itlPred), median(itlObs)));
      }
      return worst;
    }

    private static double relativeError(double predicted, double observed) {
      return observed > 0 ? Math.abs(predicted - observed) / observed : 0;
    }

    private static double median(double[] v) {
      double[] s = v.clone();
      Arrays.sort(s);
      return s.length == 0 ? 0 : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  /**
   * Prefill against the prompt tokens ({@code px}, maybe scaled by the batch): {@code overhead + tokens / rate} when
   * the sizes vary (coefficient of variation > 0.2), else a rate through the origin.
   *
   * @return {@code [overheadMs, rate (NaN: too short to measure), mean absolute residual (ms)]}
   */
  private static double[] fitPrefill(double[] px, double[] py, int count) {
    double meanP = mean(px);
    double cv = meanP > 0 ? stdev(px) / meanP : 0;
    double[] pl = cv > 0.2 && count >= MIN_RECORDS ? robustLine(px, py) : new double[] {0, Double.NaN};
    double overhead = 0;
    double rate = Double.NaN;
    if (!Double.isNaN(pl[1]) && pl[1] > 0 && pl[0] >= 0) {
      overhead = pl[0];
      rate = 1000.0 / pl[1];
    } else {
      boolean[] keep = inliers(py, new double[py.length]);
      double sumP = 0;
      double sumMs = 0;
      for (int i = 0; i < px.length; i++) {
        if (keep[i]) {
          sumP += px[i];
          sumMs += py[i];
        }
      }
      if (sumMs > 0.01 * count && sumP > 0) {
        rate = sumP * 1000.0 / sumMs;
      } // else: prefill too short to measure
    }
    double residual = 0;
    for (int i = 0; i < px.length; i++) {
      double predicted = overhead + (Double.isNaN(rate) ? 0 : px[i] * 1000.0 / rate);
      residual += Math.abs(py[i] - predicted);
    }
    return new double[] {overhead, rate, px.length == 0 ? 0 : residual / px.length};
  }

  /** The summary's view of a fitted server (decode rates for 1 to slots streams). */
  public static ServerModel toModel(ServerParams p, double[] serviceMs) {
    Map<String, Double> decode = new LinkedHashMap<>();
    for (int n = 1; n <= p.slots(); n++) {
      decode.put(Integer.toString(n), round(p.perStreamRate(n)));
    }
    return new ServerModel(p.slots(), pct(serviceMs),
        p.prefillTokensPerSec() == null ? null : round(p.prefillTokensPerSec()), decode,
        round(p.overheadMs()), round(p.batchSlowdown(), 4), p.slotsFrom());
  }

  private static Obs observe(RequestRecord r) {
    if (!r.ok() || r.e2eMs() == null || r.e2eMs() < 0) {
      return null;
    }
    Obs o = new Obs();
    o.record = r;
    o.task = r.task();
    o.start = r.intendedAtMs() + (r.clientDelayMs() == null ? 0 : r.clientDelayMs());
    o.e2e = r.e2eMs();
    o.end = o.start + o.e2e;
    o.load = r.loadMs() == null ? 0 : Math.max(0, r.loadMs());
    o.cold = o.load >= COLD_LOAD_MS && o.load > 0.1 * o.e2e;
    if (!o.cold) {
      o.load = 0; // a warm server's few-ms load_duration is part of its prefill
    }
    o.queue = r.queueMs() == null ? Double.NaN : Math.max(0, Math.min(r.queueMs(), o.e2e));
    o.prompt = r.promptTokens() == null ? -1 : r.promptTokens();
    if (o.prompt >= 0 && r.cachedTokens() != null && r.cachedTokens() >= 0) {
      // the server evaluated only the tokens its prompt cache did not hold: the prefill is fitted on those (fitted on
      // the whole prompt the rate came out fast by the cached share, 9-39 % on the real llama.cpp engine, and a
      // simulator playing the cache then skipped those tokens a second time)
      o.cached = Math.min(o.prompt, r.cachedTokens());
      o.prompt -= o.cached;
    }
    o.promptEval = r.promptEvalMs() == null || !(r.promptEvalMs() >= 0) ? Double.NaN : r.promptEvalMs();
    o.out = r.outputTokens() == null ? 0 : r.outputTokens();
    o.gen = o.out >= 1 && !"embed".equals(r.operation());
    if (r.ttftMs() != null && r.ttftMs() >= 0 && r.stream()) {
      o.ttft = r.ttftMs();
    }
    if (r.stream() && r.chunkGapsMs() != null && r.chunkGapsMs().length > 0) {
      o.lastGap = r.chunkGapsMs()[r.chunkGapsMs().length - 1];
    }
    if (o.out >= 2 && r.itlMs() != null && r.itlMs() > 0 && !Double.isNaN(o.ttft)) {
      o.itl = r.itlMs();
    } else if (r.evalMs() != null && r.evalMs() > 0 && o.out >= 1) {
      o.itl = r.evalMs() / o.out;
      o.serverPrefill = r.promptEvalMs() == null ? Double.NaN : r.promptEvalMs();
    }
    return o;
  }

  /**
   * Slots when the server reported queue times: while a request waited every slot was held, so the holders
   * counted at the middle of each wait (longer than noise) give the slot count; {@code [slots, 1]} then. With no
   * wait at all: the most requests that held a slot at once, counted at the middle of each hold (so a hand-over
   * measured a millisecond late does not count twice); {@code [slots, 0]}.
   */
  private static int[] slotsFromQueue(List<Obs> all) {
    Occupancy occupancy = new Occupancy(all);
    double[] services = all.stream().mapToDouble(Obs::service).sorted().toArray();
    double median = services[services.length / 2];
    double waitedMs = Math.max(2, 0.05 * median);
    List<Integer> counts = new ArrayList<>();
    for (Obs o : all) {
      if (o.queue > waitedMs && !o.cold) {
        counts.add((int) Math.round(occupancy.at(o.start + o.queue / 2)));
      }
    }
    if (counts.size() >= 3) {
      counts.sort(null);
      return new int[] {Math.max(1, counts.get(counts.size() / 2)), 1};
    }
    int max = 1;
    for (Obs o : all) {
      max = Math.max(max, (int) Math.round(occupancy.at((o.holdStart() + o.end) / 2)));
    }
    return new int[] {max, 0};
  }

  /** The most requests in flight (sent, not ended) at once, counted at the middle of each request. */
  private static int maxInFlight(List<Obs> all) {
    double[] starts = all.stream().mapToDouble(o -> o.start).sorted().toArray();
    double[] ends = all.stream().mapToDouble(o -> o.end).sorted().toArray();
    int max = 1;
    for (Obs o : all) {
      double mid = (o.start + o.end) / 2;
      int begun = upperBound(starts, mid);
      int ended = upperBound(ends, mid);
      max = Math.max(max, begun - ended);
    }
    return max;
  }

  private static int upperBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * No server queue times: replays the run with each slot count from 1 to the most in flight and keeps the
   * smallest whose implied prefills (TTFT − replayed wait − one interval) are as consistent as the best: too few
   * slots invent waits longer than the TTFT (negative prefills), too many leave the waits inside the prefills
   * (prefills that scatter with the load).
   */
  private static int chooseSlotsByReplay(List<Obs> all, List<Obs> gen, int maxInFlight) {
    if (maxInFlight <= 1) {
      return 1;
    }
    // every count up to 64, then 10 % apart: an overloaded run with thousands in flight stays a few hundred replays
    List<Integer> candidates = new ArrayList<>();
    for (int s = 1; s <= maxInFlight; s = s < 64 ? s + 1 : (int) Math.ceil(s * 1.1)) {
      candidates.add(s);
    }
    if (candidates.get(candidates.size() - 1) != maxInFlight) {
      candidates.add(maxInFlight);
    }
    double[] scores = new double[maxInFlight + 1];
    double best = Double.MAX_VALUE;
    for (int s : candidates) {
      replay(all, s);
      List<double[]> pts = new ArrayList<>();
      for (Obs o : gen) {
        if (!Double.isNaN(o.ttft)) {
          pts.add(new double[] {Math.max(0, o.prompt), o.ttft - o.queue - o.itl});
        }
      }
      if (pts.isEmpty()) {
        return maxInFlight;
      }
      double[] px = pts.stream().mapToDouble(p -> p[0]).toArray();
      double[] py = pts.stream().mapToDouble(p -> p[1]).toArray();
      double[] line = fitLine(px, py);
      if (Double.isNaN(line[1])) {
        line = new double[] {mean(py), 0};
      }
      double spread = 0;
      double negative = 0;
      for (int i = 0; i < px.length; i++) {
        spread += Math.abs(py[i] - (line[0] + line[1] * px[i]));
        negative += Math.max(0, -py[i]);
      }
      scores[s] = (spread + 3 * negative) / px.length;
      best = Math.min(best, scores[s]);
    }
    for (int s : candidates) {
      if (scores[s] <= best * 1.1 + 0.5) {
        return s;
      }
    }
    return maxInFlight;
  }

  /** FIFO replay: each request gets a slot at its send time or at the next observed end, in send order. */
  private static void replay(List<Obs> all, int slots) {
    PriorityQueue<Double> holders = new PriorityQueue<>();
    double lastGrant = Double.NEGATIVE_INFINITY;
    for (Obs o : all) {
      while (!holders.isEmpty() && holders.peek() <= o.start) {
        holders.poll();
      }
      double grant = o.start;
      if (holders.size() >= slots) {
        grant = Math.max(o.start, holders.poll());
      }
      grant = Math.max(grant, lastGrant);
      lastGrant = grant;
      o.queue = Math.max(0, grant - o.start);
      holders.add(o.end);
    }
  }

  /** Number of requests holding a slot (or in the server) over time, as a step function with its running integral. */
  static final class Occupancy {
    private final double[] times;
    private final double[] level;
    private final double[] integral;

    Occupancy(List<Obs> all) {
      this(all, false);
    }

    /** @param inServer count from the request's start (in the server, queued or not) instead of its slot grant */
    Occupancy(List<Obs> all, boolean inServer) {
      double[][] events = new double[all.size() * 2][];
      int k = 0;
      for (Obs o : all) {
        double from = Math.min(inServer ? o.start : o.holdStart(), o.end);
        events[k++] = new double[] {from, +1};
        events[k++] = new double[] {o.end, -1};
      }
      Arrays.sort(events, (p, q) -> p[0] != q[0] ? Double.compare(p[0], q[0]) : Double.compare(p[1], q[1]));
      times = new double[events.length];
      level = new double[events.length];
      integral = new double[events.length];
      double l = 0;
      for (int i = 0; i < events.length; i++) {
        times[i] = events[i][0];
        integral[i] = i == 0 ? 0 : integral[i - 1] + level[i - 1] * (times[i] - times[i - 1]);
        l += events[i][1];
        level[i] = l;
      }
    }

    /** Holders at time t. */
    double at(double t) {
      int i = upperBound(times, t) - 1;
      return i < 0 ? 0 : level[i];
    }

    /** Time-averaged holders over [a, b] (the holders at a when the span is empty). */
    double mean(double a, double b) {
      if (b - a <= 1e-9) {
        return at(a);
      }
      return (cumulative(b) - cumulative(a)) / (b - a);
    }

    private double cumulative(double t) {
      int i = upperBound(times, t) - 1;
      return i < 0 ? 0 : integral[i] + level[i] * (t - times[i]);
    }
  }

  /**
   * Least squares with one pass of outlier removal: points further than 3 robust standard deviations (1.4826 ×
   * the median absolute deviation, at least 2 % of the mean) from the first line are dropped and the line fitted
   * again. A client's first requests in a cold JVM, or a GC pause, otherwise tilt a fit made of a few dozen points.
   */
  static double[] robustLine(double[] x, double[] y) {
    double[] first = fitLine(x, y);
    double[] fitted = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      fitted[i] = Double.isNaN(first[1]) ? first[0] : first[0] + first[1] * x[i];
    }
    boolean[] keep = inliers(y, fitted);
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    if (n == x.length || n < 3) {
      return first;
    }
    double[] kx = new double[n];
    double[] ky = new double[n];
    for (int i = 0, j = 0; i < x.length; i++) {
      if (keep[i]) {
        kx[j] = x[i];
        ky[j++] = y[i];
      }
    }
    return fitLine(kx, ky);
  }

  /** Which points lie within 3 robust standard deviations of their fitted value (residuals y − fitted). */
  static boolean[] inliers(double[] y, double[] fitted) {
    double[] r = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      r[i] = y[i] - fitted[i];
    }
    double[] sorted = r.clone();
    Arrays.sort(sorted);
    double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    double[] dev = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      dev[i] = Math.abs(r[i] - median);
    }
    Arrays.sort(dev);
    double mad = dev.length == 0 ? 0 : dev[dev.length / 2];
    double limit = Math.max(3 * 1.4826 * mad, 0.02 * Math.abs(mean(y)));
    boolean[] keep = new boolean[y.length];
    for (int i = 0; i < y.length; i++) {
      keep[i] = Math.abs(r[i] - median) <= limit;
    }
    return keep;
  }

  /** Least squares {@code y = a + b x}; b is NaN when x does not vary. */
  static double[] fitLine(double[] x, double[] y) {
    double mx = mean(x);
    double my = mean(y);
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
    if (x.length < 3 || sxx / x.length < 0.0025) {
      return new double[] {my, Double.NaN};
    }
    double b = sxy / sxx;
    return new double[] {my - b * mx, b};
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return v.length == 0 ? 0 : s / v.length;
  }

  private static double stdev(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m);
    }
    return v.length < 2 ? 0 : Math.sqrt(s / (v.length - 1));
  }

  static Pct pct(double[] values) {
    if (values.length == 0) {
      return Pct.EMPTY;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    return new Pct(round(percentile(v, 50)), round(percentile(v, 90)), round(percentile(v, 95)),
        round(percentile(v, 99)), round(v[v.length - 1]), round(mean(v)));
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static double round(double v) {
    return round(v, 2);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
