package io.llmgatling.workload;

import java.time.Duration;

/**
 * One stretch of a load profile, for the report and for mapping onto an injector: between {@code start}
 * and {@code end} (offsets from the start of the injection) the level goes linearly from {@code from}
 * to {@code to}.
 *
 * @param start offset where the step begins
 * @param end   offset where it ends
 * @param kind  whether the level is an arrival rate (users/s, open model) or a number of users (closed)
 * @param from  level at {@code start}
 * @param to    level at {@code end} (equal to {@code from} for a flat step)
 */
public record LoadStep(Duration start, Duration end, Kind kind, double from, double to) {

  /** What the level counts. */
  public enum Kind {
    /** New users (requests) per second. */
    RATE,
    /** Concurrent users, each sending its next request when the previous one ends. */
    USERS
  }

  /** How long the step lasts. */
  public Duration duration() {
    return end.minus(start);
  }

  /** Whether the level is constant over the step. */
  public boolean flat() {
    return from == to;
  }

  /** Arrivals the step brings for a rate step (area under the level), its user count for a users step. */
  public double expectedArrivals() {
    return kind == Kind.RATE ? (from + to) / 2 * Durations.seconds(duration()) : to;
  }
}
