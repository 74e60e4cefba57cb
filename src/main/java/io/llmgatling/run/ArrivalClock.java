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
    return arrive(nowNanos).plannedNanos();
  }

  /**
   * The next arriving user: which planned arrival it is, and its planned start.
   *
   * @param nowNanos System.nanoTime of the arrival
   * @return its index in the offsets (or {@link #size()} and more past the plan, planned now) and planned start
   */
  public Arrival arrive(long nowNanos) {
    int k = next.getAndIncrement();
    if (k >= offsetsSec.length) {
      return new Arrival(k, nowNanos);
    }
    long offsetNanos = Math.round(offsetsSec[k] * 1e9);
    long origin = originNanos.accumulateAndGet(nowNanos - offsetNanos, Math::min);
    return new Arrival(k, Math.min(nowNanos, origin + offsetNanos));
  }

  /**
   * When something planned at {@code offsetSec} from the injection start falls due, on the estimated origin (a
   * trace's later turns of a session); never later than {@code nowNanos} once it is due.
   *
   * @param offsetSec planned offset, seconds
   * @param nowNanos  System.nanoTime now
   * @return the due time on System.nanoTime's clock (may lie in the future); {@code nowNanos} before any arrival
   */
  public long dueAt(double offsetSec, long nowNanos) {
    long origin = originNanos.get();
    return origin == Long.MAX_VALUE ? nowNanos : origin + Math.round(offsetSec * 1e9);
  }

  /**
   * One arrival.
   *
   * @param index        which planned arrival (0-based, in plan order)
   * @param plannedNanos its planned start on System.nanoTime's clock
   */
  public record Arrival(int index, long plannedNanos) {
  }

  /** Number of planned arrivals. */
  public int size() {
    return offsetsSec.length;
  }
}
