package io.llmgatling.capacity;

import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Discrete-event simulation of a fitted server ({@link ServerParams}) under an open arrival process: N slots, a
 * FIFO queue, prefill then decode, every decoding stream paced by the per-stream rate of the current number of
 * slot holders (continuous batching, as the embedded simulator paces it).
 *
 * <p>Decode is simulated as a fluid: all decoding streams advance at the same per-stream rate, so one shared
 * "work clock" W (tokens emitted by any one stream since the start) is integrated between events, and each
 * stream's first token and last token are fixed points on W. Events are then only arrivals, prefill ends, first
 * tokens and completions, each O(log N). Measured on the 2-core machine at load average 5-9 (4 slots, b = 0.2, 500
 * distinct requests of 50-450 prompt and 20-320 output tokens, Poisson arrivals, two SLOs): a 2,000-request replay
 * 1.7-5 ms; a whole prediction (15 curve points and a bisection, about 25 replays) 33-380 ms once the JIT is warm,
 * 1.0 s for the first in a fresh JVM; 64 slots 0.55 s. {@code whatif} answers in 2.6-3.0 s, JVM start included.
 */
public final class QueueSimulation {
  /** How requests arrive. */
  public enum Arrivals {
    /** Evenly spaced: what the capacity search's stairs and {@code constant} offer. */
    REGULAR,
    /** Exponential gaps: independent users ({@code poisson}). */
    POISSON
  }

  /**
   * Per-request figures of one replay, in arrival order, ms; {@code itl} is NaN for one-token answers.
   *
   * @param tasks      task of each request
   * @param queue      wait for a slot
   * @param ttft       arrival to first token
   * @param e2e        arrival to last token
   * @param itl        time between tokens
   * @param outputTokens tokens of each answer
   * @param judgedFrom index of the first request judged (the first ones warm the server up)
   * @param lastEndMs  when the last request ended
   */
  public record Outcome(String[] tasks, double[] queue, double[] ttft, double[] e2e, double[] itl,
                        int[] outputTokens, int judgedFrom, double lastEndMs) {
  }

  private static final class Req {
    final int index;
    final double arrival;
    final int prompt;
    final int out;
    double firstW;
    double doneW;
    boolean firstSeen;
    double prefillEnd;

    Req(int index, double arrival, int prompt, int out) {
      this.index = index;
      this.arrival = arrival;
      this.prompt = prompt;
      this.out = out;
    }

    double milestone() {
      return firstSeen ? doneW : firstW;
    }
  }

  private QueueSimulation() {
  }

  /** Saturation throughput (requests/s): every slot always busy, so every stream decodes at the rate of N. */
  public static double saturationPerSec(ServerParams server, List<Sample> samples) {
    double perStream = server.perStreamRate(server.slots());
    double serviceMs = 0;
    for (Sample s : samples) {
      serviceMs += server.prefillMs(s.promptTokens()) + s.outputTokens() * 1000.0 / perStream;
    }
    serviceMs /= samples.size();
    return serviceMs <= 0 ? Double.POSITIVE_INFINITY : server.slots() * 1000.0 / serviceMs;
  }

  /**
   * Replays {@code count} requests drawn (seeded) from {@code samples} arriving at {@code ratePerSec}.
   * The first 10 % warm the server up and are not judged.
   */
  public static Outcome run(ServerParams server, List<Sample> samples, double ratePerSec, int count,
                            Arrivals arrivals, long seed) {
    SplittableRandom draw = new SplittableRandom(seed);
    SplittableRandom gaps = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    Req[] reqs = new Req[count];
    double t = 0;
    for (int i = 0; i < count; i++) {
      Sample s = samples.get(draw.nextInt(samples.size()));
      reqs[i] = new Req(i, t, s.promptTokens(), s.outputTokens());
      double gap = 1000.0 / ratePerSec;
      t += arrivals == Arrivals.POISSON ? -Math.log(1 - gaps.nextDouble()) * gap : gap;
    }
    String[] tasks = new String[count];
    double[] queue = new double[count];
    double[] ttft = new double[count];
    double[] e2e = new double[count];
    double[] itl = new double[count];
    int[] outs = new int[count];
    // task names are not needed by the replay itself: drawn again in the same order for the outcome
    SplittableRandom again = new SplittableRandom(seed);
    for (int i = 0; i < count; i++) {
      Sample s = samples.get(again.nextInt(samples.size()));
      tasks[i] = s.task();
      outs[i] = s.outputTokens();
    }

    PriorityQueue<Req> prefilling = new PriorityQueue<>((a, b) -> Double.compare(a.prefillEnd, b.prefillEnd));
    PriorityQueue<Req> decoding = new PriorityQueue<>((a, b) -> Double.compare(a.milestone(), b.milestone()));
    ArrayDeque<Req> waiting = new ArrayDeque<>();
    int holders = 0;
    int next = 0;
    double now = 0;
    double work = 0;
    double lastEnd = 0;
    int done = 0;
    while (done < count) {
      double rate = server.perStreamRate(holders) / 1000.0; // tokens per ms per stream
      double tArrival = next < count ? reqs[next].arrival : Double.POSITIVE_INFINITY;
      double tPrefill = prefilling.isEmpty() ? Double.POSITIVE_INFINITY : prefilling.peek().prefillEnd;
      double tDecode = decoding.isEmpty() ? Double.POSITIVE_INFINITY
          : now + Math.max(0, decoding.peek().milestone() - work) / rate;
      double tNext = Math.min(tArrival, Math.min(tPrefill, tDecode));
      if (!decoding.isEmpty()) {
        work += (tNext - now) * rate;
      }
      now = tNext;
      if (tNext == tDecode) {
        Req r = decoding.poll();
        work = Math.max(work, r.milestone());
        if (!r.firstSeen) {
          r.firstSeen = true;
          ttft[r.index] = now - r.arrival;
          if (r.out > 1) {
            decoding.add(r);
            continue;
          }
        }
        e2e[r.index] = now - r.arrival;
        itl[r.index] = r.out > 1 ? (e2e[r.index] - ttft[r.index]) / (r.out - 1) : Double.NaN;
        lastEnd = now;
        done++;
        holders--;
        holders = admit(server, waiting, prefilling, holders, now, queue);
      } else if (tNext == tPrefill) {
        Req r = prefilling.poll();
        r.firstW = work + 1;
        r.doneW = work + r.out;
        decoding.add(r);
      } else {
        waiting.add(reqs[next++]);
        holders = admit(server, waiting, prefilling, holders, now, queue);
      }
    }
    return new Outcome(tasks, queue, ttft, e2e, itl, outs, count / 10, lastEnd);
  }

  private static int admit(ServerParams server, ArrayDeque<Req> waiting, PriorityQueue<Req> prefilling,
                           int holders, double now, double[] queue) {
    while (holders < server.slots() && !waiting.isEmpty()) {
      Req r = waiting.poll();
      queue[r.index] = now - r.arrival;
      r.prefillEnd = now + server.prefillMs(r.prompt);
      prefilling.add(r);
      holders++;
    }
    return holders;
  }
}
