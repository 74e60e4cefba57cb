package io.llmgatling.engine.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The record id sequence of this injector: 1, 2, 3, ... across all clients of the JVM. The id is sent
 * as {@code X-Request-Id} so a request can be joined with what the server (or the simulator) saw.
 */
public final class RequestIds {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private RequestIds() {
  }

  /** The next id (the first is 1). */
  public static long next() {
    return SEQUENCE.incrementAndGet();
  }
}
