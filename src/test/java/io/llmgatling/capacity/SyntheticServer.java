package io.llmgatling.capacity;

import io.llmgatling.engine.record.RequestRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Records of a run against a known server, token by token as the embedded simulator paces them (each next token
 * one interval of the current holder count after the previous one; the first one interval after the prefill, or
 * with its pass for a prompt in the decode batch): independent of the fluid replay in {@link QueueSimulation}, so
 * fitting these records tests the fit.
 */
public final class SyntheticServer {
  public static final long T0 = 1_700_000_000_000L;

  /** A fresh server per run. */
  public interface Factory {
    SyntheticServer create();
  }

  private final int slots;
  private final double prefillTokensPerSec;
  private final double decode;
  private final double slowdown;
  private boolean reportQueue = true;
  private boolean inBatch;
  /** The last pass carrying prompts (in-batch): {@code [start, cost]}. */
  private double[] lastPass;
  private double booked;
  private int[] prompts = {100};
  private int[] outputs = {20};
  private java.util.Map<String, Double> table;
  private java.util.Map<String, Double> prefillTable;
  private boolean reportPromptEval;
  /** Users of a closed loop (0: open model): a closed loop with no turnaround keeps them all in the server. */
  private int closedUsers;
  private double stopSendingAt = Double.POSITIVE_INFINITY;
  private double cachedShare = -1;
  private double contextMs;
  /** Context tokens of the slot holders: their prompts and the tokens they generated so far. */
  private double contextTokens;

  private final List<RequestRecord> records = new ArrayList<>();
  private final PriorityQueue<double[]> events = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
  private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
  private final List<Req> reqs = new ArrayList<>();
  private int holders;
  private final SplittableRandom random = new SplittableRandom(7);
  private double noise;
  private SplittableRandom noiseRandom = new SplittableRandom(1);

  private static final class Req {
    double arrival;
    double grant;
    double first = -1;
    double last;
    int prompt;
    int out;
    int emitted;
    int user = -1;
    double stallSeen;
    /** The pass carrying its prompt (in-batch) and when its first token was scheduled for (that pass's end then). */
    double[] pass;
    double passEndSeen;
    double promptEval;
  }

  public SyntheticServer(int slots, double prefillTokensPerSec, double decode, double slowdown) {
    this.slots = slots;
    this.prefillTokensPerSec = prefillTokensPerSec;
    this.decode = decode;
    this.slowdown = slowdown;
  }

  public SyntheticServer reportQueue(boolean v) {
    reportQueue = v;
    return this;
  }

  /** Prompts share the decode batch (the simulator's {@code prefillInBatch}): in passes as its PromptBatch books them, decoders wait. */
  public SyntheticServer inBatch(boolean v) {
    inBatch = v;
    return this;
  }

  /**
   * Every prefill and every inter-token interval scaled by a uniform draw in [1 − fraction, 1 + fraction] (seeded):
   * a machine shared with other jobs.
   */
  public SyntheticServer noise(double fraction, long seed) {
    noise = fraction;
    noiseRandom = new SplittableRandom(seed);
    return this;
  }

  private double noisy(double ms) {
    return noise == 0 ? ms : ms * (1 + noise * (2 * noiseRandom.nextDouble() - 1));
  }

  /**
   * Decode paced by a measured table of per-stream rates keyed by the requests in the server (holding a slot or
   * queued), interpolated as the simulator does ({@code decodeTable}), instead of the slowdown formula.
   */
  /**
   * The pace grows with the context the slot holders hold, as the simulator's {@code contextMsPer1kTokens}: each
   * interval by {@code msPer1k} × holders × their prompts and tokens generated so far / 1,000.
   */
  public SyntheticServer context(double msPer1k) {
    contextMs = msPer1k;
    return this;
  }

  public SyntheticServer table(java.util.Map<String, Double> v) {
    table = v;
    return this;
  }

  /**
   * Prompts processed at a measured rate of evaluated tokens/s keyed by the requests in the server at their grant,
   * interpolated as the simulator does ({@code prefillTable}; keys in ascending order), each record reporting its
   * prompt eval time.
   */
  public SyntheticServer prefillTable(java.util.Map<String, Double> v) {
    prefillTable = v;
    reportPromptEval = true;
    return this;
  }

  /** Records report the server's prompt eval time ({@code promptEvalMs}). */
  public SyntheticServer reportPromptEval(boolean v) {
    reportPromptEval = v;
    return this;
  }

  /**
   * A prompt cache serving this share of every prompt (not prefilled), reported as the records' {@code cachedTokens}.
   */
  public SyntheticServer cached(double share) {
    cachedShare = share;
    return this;
  }

  private int cachedOf(Req r) {
    return cachedShare < 0 ? 0 : (int) Math.round(r.prompt * cachedShare);
  }

  public SyntheticServer prompts(int... v) {
    prompts = v;
    return this;
  }

  public SyntheticServer outputs(int... v) {
    outputs = v;
    return this;
  }

  private double interval() {
    double context = contextMs * holders * contextTokens / 1000;
    if (table != null) {
      return context + 1000.0 / io.llmgatling.simulator.PerformanceModel.perStreamDecodeRate(
          new io.llmgatling.simulator.ModelSpec("m1", "llm", prefillTokensPerSec, decode, slowdown, 4096, 0, null,
              null, null, 0, null, null, null, null, null, table), holders + waiting.size());
    }
    return context + 1000.0 / (decode / (1 + slowdown * (Math.max(1, holders) - 1)));
  }

  // event kinds: 0 arrival, 1 token due
  private void arrive(double t, int user) {
    Req r = new Req();
    r.arrival = t;
    r.prompt = prompts[random.nextInt(prompts.length)];
    r.out = outputs[random.nextInt(outputs.length)];
    r.user = user;
    reqs.add(r);
    events.add(new double[] {t, 0, reqs.size() - 1});
  }

  /** Closed loop: {@code users} users, each sending its next request when the previous one ends. */
  public List<RequestRecord> closed(int users, double durationMs, double startMs) {
    closedUsers = users;
    for (int u = 0; u < users; u++) {
      arrive(startMs + u * 0.01, u);
    }
    drive(durationMs + startMs, true);
    return records;
  }

  /** Open model: evenly spaced arrivals. */
  public List<RequestRecord> open(double ratePerSec, int count, double startMs) {
    for (int i = 0; i < count; i++) {
      arrive(startMs + i * 1000.0 / ratePerSec, -1);
    }
    drive(Double.POSITIVE_INFINITY, false);
    return records;
  }

  private void drive(double stopSendingAt, boolean closed) {
    this.stopSendingAt = stopSendingAt;
    while (!events.isEmpty()) {
      double[] e = events.poll();
      double t = e[0];
      Req r = reqs.get((int) e[2]);
      if (e[1] == 0) {
        waiting.add((int) e[2]);
        admit(t);
      } else {
        if (r.emitted == 0 && r.pass != null && r.pass[0] + r.pass[1] > r.passEndSeen) {
          // prompts joined its pass after it was booked (the simulator's PromptBatch): its first token comes later
          double later = r.pass[0] + r.pass[1] - r.passEndSeen;
          r.passEndSeen += later;
          r.stallSeen += later;
          events.add(new double[] {t + later, 1, e[2]});
          continue;
        }
        if (r.emitted == 0) {
          r.first = t;
        }
        r.emitted++;
        contextTokens++;
        if (r.emitted < r.out) {
          events.add(new double[] {t + noisy(interval()) + stall(r), 1, e[2]});
        } else {
          r.last = t;
          holders--;
          contextTokens -= r.prompt + r.out;
          finish(r);
          admit(t);
          if (closed && t < stopSendingAt) {
            arrive(t, r.user);
          }
        }
      }
    }
  }

  private void admit(double t) {
    while (holders < slots && !waiting.isEmpty()) {
      int i = waiting.poll();
      Req r = reqs.get(i);
      r.grant = t;
      holders++;
      contextTokens += r.prompt;
      double rate = prefillTokensPerSec;
      if (prefillTable != null) {
        // a closed loop's finished user sends its next request at the same instant: its users are all in the server
        // (until it stops sending: then the ones still there)
        int inServer = closedUsers > 0 && t < stopSendingAt ? closedUsers : holders + waiting.size();
        rate = io.llmgatling.simulator.PerformanceModel.tableRate(prefillTable, inServer);
      }
      double prefill = noisy((r.prompt - cachedOf(r)) * 1000.0 / rate);
      r.promptEval = prefill;
      double prefillEnd = t + prefill;
      if (inBatch) {
        // the simulator's PromptBatch: a prompt joins the pass not yet begun, else begins one (at once or when the
        // running one ends); the pass's prompts are all done at its end
        if (lastPass == null || lastPass[0] <= t) {
          lastPass = new double[] {lastPass == null ? t : Math.max(t, lastPass[0] + lastPass[1]), 0};
        }
        lastPass[1] += prefill;
        r.pass = lastPass;
        prefillEnd = lastPass[0] + lastPass[1];
        r.passEndSeen = prefillEnd;
        booked += prefill;
        r.stallSeen = booked;
      }
      // a prompt in the decode batch gives its first token with its pass (the simulator's Generation)
      events.add(new double[] {inBatch ? prefillEnd : prefillEnd + noisy(interval()), 1, i});
    }
  }

  /** Prompt time booked since the stream's previous token (in-batch prompts hold the decoders back). */
  private double stall(Req r) {
    if (!inBatch) {
      return 0;
    }
    double s = booked - r.stallSeen;
    r.stallSeen = booked;
    return s;
  }

  private void finish(Req r) {
    long intended = T0 + (long) Math.floor(r.arrival);
    double delay = T0 + r.arrival - intended;
    double ttft = r.first - r.arrival;
    double e2e = r.last - r.arrival;
    double itl = r.out > 1 ? (r.last - r.first) / (r.out - 1) : 0;
    records.add(new RequestRecord(records.size() + 1, "chat", "m1", "ollama", "chat", true, intended, delay, 1.0,
        ttft, e2e, r.out > 1 ? itl : null, r.out > 1 ? itl : null, null, r.prompt, r.out, "server", r.out,
        reportQueue ? r.grant - r.arrival : null, 0.0, reportPromptEval ? (r.pass != null ? r.pass[1] : r.promptEval) : null, null, null, 200, true, null, null, "length", false,
        cachedShare < 0 ? null : cachedOf(r), false, null, null, null, null, false, null));
  }
}
