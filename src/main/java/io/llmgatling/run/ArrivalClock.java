package io.llmgatling.run;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives each arriving virtual user of an open-model scenario the moment it was planned to arrive.
 *
 * <p>Gatling starts the k-th user of a scenario at offset {@code offsets[k]} from the injection start, but tells
 * no one when that start was, nor when a user was due. The injection origin is estimated as the earliest
 * {@code actual − planned} seen so far (a user can be late, never early), so a user that the injector starts
 * late still gets its planned time, and the lateness shows as client delay.
 */
public final class ArrivalClock {
  private final double[] offsetsSec;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong originNanos = new AtomicLong(Long.MAX_VALUE);

  /**
   * @param offsetsSec planned arrival offsets in seconds from the injection start, ascending
   */
  public ArrivalClock(double[] offsetsSec) {
    this.offsetsSec = offsetsSec.clone();
  }

  /**
   * The planned start of the next arriving user.
   *
   * @param nowNanos System.nanoTime of the arrival
   * @return planned start in System.nanoTime terms (never later than {@code nowNanos})
   */
  public long plannedStart(long nowNanos) {
    int k = next.getAndIncrement();
    if (k >= offsetsSec.length) {
      return nowNanos;
    }
    long offsetNanos = Math.round(offsetsSec[k] * 1e9);
    long origin = originNanos.accumulateAndGet(nowNanos - offsetNanos, Math::min);
    return Math.min(nowNanos, origin + offsetNanos);
  }

  /** Number of planned arrivals. */
  public int size() {
    return offsetsSec.length;
  }
}
