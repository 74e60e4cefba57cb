package io.llmgatling.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How load arrives over time. Open profiles ({@link Constant}, {@link Ramp}, {@link Poisson},
 * {@link Stairs}, {@link Capacity}, {@link Replay}) start new users at a rate whatever the server's state;
 * {@link Closed} keeps a fixed number of users busy. Rates are in users (requests) per second.
 */
public sealed interface LoadProfile {

  /** Names accepted by {@code llm.profile}. */
  List<String> NAMES = List.of("constant", "ramp", "poisson", "stairs", "closed", "capacity", "trace");

  /** The profile's name as {@code llm.profile} spells it. */
  String name();

  /** The same profile scaled to a shard's 1/n share of the load. */
  LoadProfile shard(int index, int count);

  /** The same profile scaled to a shard's share. */
  default LoadProfile shard(Shard shard) {
    return shard(shard.index(), shard.count());
  }

  /** The profile's stretches, back to back from offset 0. */
  List<LoadStep> loadSteps();

  /** How long the injection lasts. */
  default Duration totalDuration() {
    List<LoadStep> steps = loadSteps();
    return steps.isEmpty() ? Duration.ZERO : steps.get(steps.size() - 1).end();
  }

  /** One line for the console and the report, e.g. {@code constant 2/s for 30s}. */
  String describe();

  /** Every open-model request rate and run length must be positive; shards may bring a rate to zero. */
  private static void requireRate(String what, double rate, boolean zeroAllowed) {
    if (!(rate > 0 || (zeroAllowed && rate == 0)) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", was " + rate);
    }
  }

  private static void requirePositive(String what, Duration duration) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be > 0, was " + duration);
    }
  }

  private static String perSecond(double rate) {
    return String.format(Locale.ROOT, "%.4g", rate).replaceAll("\\.?0+$", "") + "/s";
  }

  /**
   * A steady arrival rate, users starting at regular intervals.
   *
   * @param rate     users per second
   * @param duration how long
   */
  record Constant(double rate, Duration duration) implements LoadProfile {
    public Constant {
      requireRate("rate", rate, false);
      requirePositive("duration", duration);
    }

    @Override
    public String name() {
      return "constant";
    }

    @Override
    public Constant shard(int index, int count) {
      new Shard(index, count);
      return new Constant(rate / count, duration);
    }

    @Override
    public List<LoadStep> loadSteps() {
      return List.of(new LoadStep(Duration.ZERO, duration, LoadStep.Kind.RATE, rate, rate));
    }

    @Override
    public String describe() {
      return "constant " + perSecond(rate) + " for " + Durations.format(duration);
    }
  }

  /**
   * A rate rising (or falling) linearly.
   *
   * @param fromRate users per second at the start (may be 0)
   * @param toRate   users per second at the end
   * @param duration how long the ramp lasts
   */
  record Ramp(double fromRate, double toRate, Duration duration) implements LoadProfile {
    public Ramp {
      requireRate("fromRate", fromRate, true);
      requireRate("toRate", toRate, false);
      requirePositive("duration", duration);
    }

    @Override
    public String name() {
      return "ramp";
    }

    @Override
    public Ramp shard(int index, int count) {
      new Shard(index, count);
      return new Ramp(fromRate / count, toRate / count, duration);
    }

    @Override
    public List<LoadStep> loadSteps() {
      return List.of(new LoadStep(Duration.ZERO, duration, LoadStep.Kind.RATE, fromRate, toRate));
    }

    @Override
    public String describe() {
      return "ramp " + perSecond(fromRate) + " to " + perSecond(toRate) + " over " + Durations.format(duration);
    }
  }

  /**
   * Random arrivals at an average rate: a Poisson process, i.e. exponential gaps between users, which
   * is how independent clients arrive and what shows queueing that a regular rate hides.
   *
   * @param rate     average users per second
   * @param duration how long
   * @param seed     seed of the arrival times; the same seed gives the same run
   */
  record Poisson(double rate, Duration duration, long seed) implements LoadProfile {
    public Poisson {
      requireRate("rate", rate, false);
      requirePositive("duration", duration);
    }

    @Override
    public String name() {
      return "poisson";
    }

    /**
     * A 1/n thinning of the process: the rate divided by n with a seed of its own per shard, so that the
     * shards together are again a Poisson process at the full rate (a sum of independent Poisson
     * processes is one) instead of n copies of the same arrival times.
     */
    @Override
    public Poisson shard(int index, int count) {
      new Shard(index, count);
      long shardSeed = count == 1 ? seed : seed ^ (0x9E3779B97F4A7C15L * index);
      return new Poisson(rate / count, duration, shardSeed);
    }

    @Override
    public List<LoadStep> loadSteps() {
      return List.of(new LoadStep(Duration.ZERO, duration, LoadStep.Kind.RATE, rate, rate));
    }

    /**
     * Start offsets of every user in seconds from the start of the injection, ascending and below the
     * duration: cumulated exponential gaps with mean 1/rate drawn from the seed.
     */
    public double[] arrivalOffsetsSeconds() {
      SplittableRandom random = new SplittableRandom(seed);
      double end = Durations.seconds(duration);
      double[] offsets = new double[(int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(rate * end * 1.2) + 16)];
      int count = 0;
      double t = 0;
      while (true) {
        // inverse transform sampling; 1 - u lies in (0, 1], so the log is finite
        t += -Math.log(1.0 - random.nextDouble()) / rate;
        if (t >= end) {
          break;
        }
        if (count == offsets.length) {
          offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[count++] = t;
      }
      return Arrays.copyOf(offsets, count);
    }

    @Override
    public String describe() {
      return "poisson " + perSecond(rate) + " on average for " + Durations.format(duration) + " (seed " + seed + ")";
    }
  }

  /**
   * A rate rising in flat steps: {@code startRate}, then {@code startRate + stepRate}, ... for
   * {@code steps} levels of {@code stepDuration} each.
   */
  record Stairs(double startRate, double stepRate, int steps, Duration stepDuration) implements LoadProfile {
    public Stairs {
      requireRate("startRate", startRate, false);
      requireRate("stepRate", stepRate, true);
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1, was " + steps);
      }
      requirePositive("stepDuration", stepDuration);
    }

    @Override
    public String name() {
      return "stairs";
    }

    @Override
    public Stairs shard(int index, int count) {
      new Shard(index, count);
      return new Stairs(startRate / count, stepRate / count, steps, stepDuration);
    }

    @Override
    public List<LoadStep> loadSteps() {
      return stairSteps(startRate, stepRate, steps, stepDuration);
    }

    @Override
    public String describe() {
      return "stairs " + perSecond(startRate) + " + " + perSecond(stepRate) + " x " + steps + " steps of "
          + Durations.format(stepDuration);
    }
  }

  /**
   * A fixed number of concurrent users, reached over a ramp-up and held: each user sends its next
   * request as soon as the previous one ends (the closed model, as chat UIs behave).
   *
   * @param users    concurrent users (0 only for a shard that gets none)
   * @param rampUp   time to reach {@code users}, may be zero
   * @param duration time at full concurrency after the ramp-up
   */
  record Closed(int users, Duration rampUp, Duration duration) implements LoadProfile {
    public Closed {
      if (users < 0) {
        throw new IllegalArgumentException("users must be >= 1, was " + users);
      }
      if (rampUp == null || rampUp.isNegative()) {
        throw new IllegalArgumentException("rampUp must be >= 0, was " + rampUp);
      }
      requirePositive("duration", duration);
    }

    @Override
    public String name() {
      return "closed";
    }

    /** An even split of the users; the first {@code users % count} shards take one more. */
    @Override
    public Closed shard(int index, int count) {
      return new Closed(new Shard(index, count).partOf(users), rampUp, duration);
    }

    @Override
    public List<LoadStep> loadSteps() {
      List<LoadStep> steps = new ArrayList<>();
      if (!rampUp.isZero()) {
        steps.add(new LoadStep(Duration.ZERO, rampUp, LoadStep.Kind.USERS, 0, users));
      }
      steps.add(new LoadStep(rampUp, rampUp.plus(duration), LoadStep.Kind.USERS, users, users));
      return List.copyOf(steps);
    }

    @Override
    public String describe() {
      return "closed " + users + " users" + (rampUp.isZero() ? "" : " after a " + Durations.format(rampUp)
          + " ramp-up") + " for " + Durations.format(duration);
    }
  }

  /**
   * An adaptive capacity search: the request rate offered is decided while the run goes (doubling, then bisecting
   * between the last rate that held and the first that did not) by {@code io.llmgatling.run.CapacitySearch}; the
   * injection is a fine stream of "tick" users over the time budget, each admitted or not by the search.
   * Rates are in requests per second.
   *
   * @param startRate   first rate offered (requests/s)
   * @param maxRate     highest rate offered; a search that holds there stops ("at least maxRate")
   * @param precision   the search stops when the bracket [last good, first bad] is within this fraction of its top
   * @param budget      time budget of the whole search
   * @param minRequests completions a judged window needs (unless it reaches {@code maxWindow})
   * @param minWindow   shortest judged window
   * @param maxWindow   longest judged window
   * @param limits      the objectives a step must meet to count as sustained
   * @param startUsers  0 for the open model (rates); else the closed model: the search offers concurrent users,
   *                    from this many, and {@code maxRate} is the most users it offers
   */
  record Capacity(double startRate, double maxRate, double precision, Duration budget, int minRequests,
                  Duration minWindow, Duration maxWindow, List<Slo> limits, int startUsers) implements LoadProfile {
    public Capacity {
      requireRate("startRate", startRate, false);
      requireRate("maxRate", maxRate, false);
      if (!(precision > 0 && precision < 1)) {
        throw new IllegalArgumentException("precision must be in (0, 1), was " + precision);
      }
      requirePositive("budget", budget);
      if (minRequests < 1) {
        throw new IllegalArgumentException("minRequests must be >= 1, was " + minRequests);
      }
      requirePositive("minWindow", minWindow);
      requirePositive("maxWindow", maxWindow);
      if (maxWindow.compareTo(minWindow) < 0) {
        throw new IllegalArgumentException("maxWindow must be >= minWindow");
      }
      if (startUsers < 0) {
        throw new IllegalArgumentException("startUsers must be >= 0, was " + startUsers);
      }
      limits = List.copyOf(limits);
    }

    /** An open-model search (rates). */
    public Capacity(double startRate, double maxRate, double precision, Duration budget, int minRequests,
                    Duration minWindow, Duration maxWindow, List<Slo> limits) {
      this(startRate, maxRate, precision, budget, minRequests, minWindow, maxWindow, limits, 0);
    }

    /** Whether the search offers concurrent users (closed model) rather than rates. */
    public boolean closed() {
      return startUsers > 0;
    }

    @Override
    public String name() {
      return "capacity";
    }

    /**
     * Each shard offers its share of every rate. Rate limits (requestsPerSec, ...) stay as they are: the
     * verdict is taken on the merged run.
     */
    @Override
    public Capacity shard(int index, int count) {
      new Shard(index, count);
      return new Capacity(startRate / count, maxRate / count, precision, budget, minRequests, minWindow, maxWindow,
          limits, startUsers == 0 ? 0 : Math.max(1, startUsers / count));
    }

    /** The steps are decided while the run goes: none planned. */
    @Override
    public List<LoadStep> loadSteps() {
      return List.of();
    }

    @Override
    public Duration totalDuration() {
      return budget;
    }

    /**
     * Tick users per second a scenario carrying {@code usersPerSecAtMax} users/s at the maximum rate injects: twice
     * that, at least 20/s (an arrival is at most 50 ms late), at most 400/s.
     */
    public static double tickRate(double usersPerSecAtMax) {
      return Math.max(20, Math.min(400, 2 * usersPerSecAtMax));
    }

    @Override
    public String describe() {
      if (closed()) {
        return "capacity search (closed model) from " + startUsers + " users (x2, then bisection to "
            + Math.round(precision * 100) + " %, at most " + Math.round(maxRate) + " users) within "
            + Durations.format(budget) + "; steps of >= " + minRequests + " requests and " + Durations.format(minWindow)
            + " (<= " + Durations.format(maxWindow) + ") after a warm-up";
      }
      return "capacity search from " + perSecond(startRate) + " (x2, then bisection to " + Math.round(precision * 100)
          + " %, at most " + perSecond(maxRate) + ") within " + Durations.format(budget) + "; steps of >= "
          + minRequests + " requests and " + Durations.format(minWindow) + " (<= " + Durations.format(maxWindow)
          + ") after a warm-up";
    }
  }

  /**
   * A recorded trace replayed ({@code llm.profile=trace}): each request at its recorded offset, a session's turns in
   * order (open model: a user per session or sessionless request, starting at its first request's offset).
   *
   * @param trace the trace (this injector's share of it)
   */
  record Replay(Trace trace) implements LoadProfile {
    @Override
    public String name() {
      return "trace";
    }

    /** Every {@code count}-th visit (a session or a request without one) from the {@code index}-th. */
    @Override
    public Replay shard(int index, int count) {
      return new Replay(trace.shard(index, count));
    }

    /** The trace's rate varies request by request: no planned step. */
    @Override
    public List<LoadStep> loadSteps() {
      return List.of();
    }

    @Override
    public Duration totalDuration() {
      return Duration.ofMillis((long) Math.ceil(trace.spanMs()));
    }

    /** The start of each visit, seconds from the injection's start, ascending. */
    public double[] arrivalOffsetsSeconds() {
      return trace.visits().stream().mapToDouble(v -> v.startMs() / 1000).toArray();
    }

    @Override
    public String describe() {
      return "trace " + trace.file().getFileName() + ": " + trace.requests() + " requests (" + trace.sessions()
          + " sessions) over " + String.format(Locale.ROOT, "%.1f", trace.spanMs() / 1000) + " s" + (trace.skipped().isEmpty() ? ""
          : ", " + trace.skipped().size() + " malformed lines skipped");
    }
  }

  private static List<LoadStep> stairSteps(double startRate, double stepRate, int steps, Duration stepDuration) {
    List<LoadStep> result = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      double level = startRate + i * stepRate;
      result.add(new LoadStep(stepDuration.multipliedBy(i), stepDuration.multipliedBy(i + 1L), LoadStep.Kind.RATE,
          level, level));
    }
    return List.copyOf(result);
  }
}
