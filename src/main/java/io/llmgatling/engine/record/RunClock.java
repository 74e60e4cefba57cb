package io.llmgatling.engine.record;

/** STUB (replaced by the engine branch). */
public final class RunClock {
  private static final long ORIGIN_NANOS = System.nanoTime();
  private static final long ORIGIN_EPOCH_MS = System.currentTimeMillis();

  private RunClock() {
  }

  public static long epochMillis(long nanos) {
    return ORIGIN_EPOCH_MS + (nanos - ORIGIN_NANOS) / 1_000_000L;
  }

  public static long nowNanos() {
    return System.nanoTime();
  }
}
