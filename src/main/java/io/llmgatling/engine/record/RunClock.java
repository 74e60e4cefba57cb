package io.llmgatling.engine.record;

/**
 * One monotonic time origin per JVM, so that {@link System#nanoTime()} readings taken anywhere in the
 * run map to epoch milliseconds consistently (two readings keep their order and distance, whatever the
 * wall clock does meanwhile).
 */
public final class RunClock {
  private static final long ORIGIN_NANOS = System.nanoTime();
  private static final long ORIGIN_EPOCH_MICROS = System.currentTimeMillis() * 1000L;

  private RunClock() {
  }

  /** The epoch milliseconds corresponding to a {@link System#nanoTime()} reading of this JVM. */
  public static long epochMillis(long nanos) {
    return Math.floorDiv(ORIGIN_EPOCH_MICROS + Math.floorDiv(nanos - ORIGIN_NANOS, 1_000L), 1_000L);
  }

  /** {@link System#nanoTime()}; the only clock timings in this project are taken from. */
  public static long nowNanos() {
    return System.nanoTime();
  }
}
