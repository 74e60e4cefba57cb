package io.llmgatling.harness;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.LoadStep;
import io.llmgatling.workload.Warmup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps a workload's {@link LoadProfile} onto Gatling injection steps.
 *
 * <p>Open profiles are injected as an explicit arrival schedule (the users due in each millisecond), computed
 * here rather than by Gatling, for two reasons: Poisson arrivals need exponential gaps Gatling does not draw,
 * and knowing every planned arrival lets each request be timed from when it was due ({@link #arrivalOffsets}).
 */
public final class LlmInjection {
  private LlmInjection() {
  }

  /**
   * Planned arrival offsets (seconds from the injection start) of the share {@code fraction} of an open profile.
   * Deterministic profiles place the k-th arrival where the integrated rate reaches k; Poisson draws
   * exponential gaps at {@code rate × fraction} with a seed of its own per share.
   *
   * @param profile    an open profile with a planned schedule (constant, ramp, poisson, stairs)
   * @param fraction   share of the load, in (0, 1]
   * @param shareIndex distinguishes the shares' random streams
   * @return ascending offsets
   */
  public static double[] arrivalOffsets(LoadProfile profile, double fraction, int shareIndex) {
    if (profile instanceof LoadProfile.Poisson p) {
      long seed = p.seed() ^ (0x2545F4914F6CDD1DL * (shareIndex + 1));
      return new LoadProfile.Poisson(p.rate() * fraction, p.duration(), seed).arrivalOffsetsSeconds();
    }
    if (profile instanceof LoadProfile.Replay replay) {
      // a trace's visits (sessions, sessionless requests) at their recorded offsets, dealt round to the shares
      double[] all = replay.arrivalOffsetsSeconds();
      int shares = (int) Math.max(1, Math.round(1 / fraction));
      return java.util.stream.IntStream.range(0, all.length).filter(i -> i % shares == shareIndex % shares)
          .mapToDouble(i -> all[i]).toArray();
    }
    if (profile instanceof LoadProfile.Closed) {
      throw new IllegalArgumentException("a closed profile has no arrival schedule");
    }
    if (profile instanceof LoadProfile.Capacity) {
      throw new IllegalArgumentException("llm.profile=capacity decides its rates while the run goes: it runs in"
          + " MultiTaskSimulation (mvn gatling:test), or in a simulation injecting capacityTicks(i) through"
          + " capacityGate(i, ...) (see LlmSimulation)");
    }
    List<Double> offsets = new ArrayList<>();
    double arrivals = 0; // integrated rate so far
    long next = 0;       // index of the next arrival
    for (LoadStep step : profile.loadSteps()) {
      double t0 = seconds(step.start());
      double length = seconds(step.duration());
      double a = step.from() * fraction;
      double b = step.to() * fraction;
      double area = (a + b) / 2 * length;
      while (next < arrivals + area - 1e-9) {
        double need = next - arrivals; // area still needed inside this step
        offsets.add(t0 + solve(a, b, length, need));
        next++;
      }
      arrivals += area;
    }
    return offsets.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The rate of warm-up arrivals ({@code llm.warmup}), users/s: the profile's first rate (the end rate of a ramp),
   * {@link #CLOSED_WARMUP_RATE} for a closed profile, which has none.
   */
  public static double warmupRate(LoadProfile profile) {
    if (profile instanceof LoadProfile.Constant c) {
      return c.rate();
    } else if (profile instanceof LoadProfile.Poisson p) {
      return p.rate();
    } else if (profile instanceof LoadProfile.Ramp r) {
      return Math.max(r.fromRate(), r.toRate());
    } else if (profile instanceof LoadProfile.Stairs s) {
      return s.startRate();
    } else if (profile instanceof LoadProfile.Capacity c && !c.closed()) {
      return c.startRate();
    }
    return CLOSED_WARMUP_RATE;
  }

  /** Warm-up arrivals per second of a profile without a rate (closed). */
  public static final double CLOSED_WARMUP_RATE = 2;

  /**
   * Planned warm-up arrivals of the share {@code fraction} of the load: regular arrivals at
   * {@link #warmupRate} over the warm-up's duration (a count of requests lasts count / rate), at least one per
   * share, so that every task (and with it its models) is warmed.
   */
  public static double[] warmupOffsets(LoadProfile profile, Warmup warmup, double fraction, int shareIndex) {
    double rate = warmupRate(profile);
    return arrivalOffsets(new LoadProfile.Constant(rate, warmup.arrivalSpan(rate)), fraction, shareIndex);
  }

  /** Time τ in [0, length] where a·τ + (b − a)·τ²/(2·length) = need. */
  private static double solve(double a, double b, double length, double need) {
    double slope = (b - a) / length;
    if (Math.abs(slope) < 1e-12) {
      return need / a;
    }
    double disc = Math.max(0, a * a + 2 * slope * need);
    return (-a + Math.sqrt(disc)) / slope;
  }

  /**
   * Gatling steps playing a whole open profile (the run's {@code llm.profile}, {@code llm.rate},
   * {@code llm.duration}, ...) for one scenario: {@code .injectOpen(LlmInjection.open(workload().injectedProfile()))}.
   *
   * @param profile an open profile
   * @return open injection steps
   * @throws IllegalArgumentException for a closed profile, which has no arrival rate
   */
  public static List<OpenInjectionStep> open(LoadProfile profile) {
    if (profile instanceof LoadProfile.Closed) {
      throw new IllegalArgumentException("llm.profile=closed: this simulation injects arrivals per second,"
          + " use constant, ramp, poisson or stairs");
    }
    return open(arrivalOffsets(profile, 1.0, 0));
  }

  /**
   * Gatling steps injecting exactly the given arrivals, to the millisecond (no cumulative drift: gaps are taken
   * between rounded absolute times).
   *
   * @param offsetsSec ascending arrival offsets in seconds
   * @return open injection steps
   */
  public static List<OpenInjectionStep> open(double[] offsetsSec) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    long previousMs = 0;
    int i = 0;
    while (i < offsetsSec.length) {
      long atMs = Math.round(offsetsSec[i] * 1000);
      int users = 0;
      while (i < offsetsSec.length && Math.round(offsetsSec[i] * 1000) == atMs) {
        users++;
        i++;
      }
      if (atMs > previousMs) {
        steps.add(nothingFor(Duration.ofMillis(atMs - previousMs)));
      }
      steps.add(atOnceUsers(users));
      previousMs = atMs;
    }
    return steps;
  }

  /**
   * Gatling steps for the share {@code fraction} of a closed profile: a ramp to the users, then that many
   * concurrent users for the duration. Put {@link #startTogether} in front of the visit, or without a ramp-up the
   * users start spread over the first second.
   *
   * @param closed   the closed profile
   * @param fraction share of the users (at least one user per share)
   * @return closed injection steps
   */
  public static List<ClosedInjectionStep> closed(LoadProfile.Closed closed, double fraction) {
    int users = Math.max(1, (int) Math.round(closed.users() * fraction));
    List<ClosedInjectionStep> steps = new ArrayList<>();
    if (!closed.rampUp().isZero()) {
      steps.add(rampConcurrentUsers(0).to(users).during(closed.rampUp()));
    }
    steps.add(constantConcurrentUsers(users).during(closed.duration()));
    return steps;
  }

  /**
   * What the users of the share {@code fraction} of a closed profile do before their first visit: with no ramp-up
   * they start together, the first ones waiting for the last (a pause, nothing with a ramp-up or one user).
   * Gatling's closed injection spreads the users it starts in a second over that second (4 users: 0, 250, 500,
   * 750 ms), and against a server whose answers all have the same length (a token cap) that spread decided how the
   * whole run went: 4 streams of the real llama.cpp engine stayed in step (a round's first prompt alone, the
   * other three waiting behind its pass: TTFT p50 1,010 ms) when its first prompt's pass had not ended when the
   * second user came, 250 ms in, else staggered (715-898 ms); its first pass took 191-266 ms. Started together
   * the streams begin in step, every run.
   *
   * @param closed   the closed profile
   * @param fraction share of the users (at least one user per share)
   * @return the chain to put in front of the visit
   */
  public static ChainBuilder startTogether(LoadProfile.Closed closed, double fraction) {
    int users = Math.max(1, (int) Math.round(closed.users() * fraction));
    if (!closed.rampUp().isZero() || users == 1) {
      return CoreDsl.exec(session -> session);
    }
    StartBarrier barrier = new StartBarrier(users);
    return CoreDsl.pause(session -> barrier.delay(System.nanoTime()));
  }

  /**
   * The first {@code users} callers wait until the last of them has come: Gatling starts the k-th of n users of
   * a second k / n of a second after the first, so the barrier opens (n - 1) / n of a second after the first
   * came, and 20 ms later for a late thread. Later callers (the users replacing those that ended) go at once.
   */
  static final class StartBarrier {
    static final long LATE_NANOS = 20_000_000L;
    private final int users;
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicLong first = new AtomicLong(Long.MIN_VALUE);

    StartBarrier(int users) {
      this.users = users;
    }

    Duration delay(long nowNanos) {
      if (arrived.getAndIncrement() >= users) {
        return Duration.ZERO;
      }
      first.compareAndSet(Long.MIN_VALUE, nowNanos);
      long open = first.get() + (users - 1) * 1_000_000_000L / users + LATE_NANOS;
      return Duration.ofNanos(Math.max(0, open - nowNanos));
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
