package io.llmgatling.engine.client;

import java.util.Arrays;

/**
 * The {@link System#nanoTime()} stamps of one exchange, as they accumulate: sent, response headers, last byte,
 * and the arrival of every content token. -1 = not yet. Every response stamp is the arrival of the socket's
 * bytes, taken before TLS and HTTP decoding. Not thread-safe: one exchange, one event loop.
 */
final class Timeline {
  private long sentNanos = -1;
  private long headersNanos = -1;
  private long lastByteNanos = -1;
  private long firstAnswerNanos = -1;
  private long[] tokenNanos = new long[32];
  private int tokenCount;

  /** A timeline with the given stamps (for tests and the record builder's callers). */
  static Timeline of(long sentNanos, long headersNanos, long lastByteNanos, long... tokenNanos) {
    Timeline t = new Timeline();
    t.sentNanos = sentNanos;
    t.headersNanos = headersNanos;
    t.lastByteNanos = lastByteNanos;
    for (long token : tokenNanos) {
      t.token(token);
    }
    return t;
  }

  void sent(long nanos) {
    sentNanos = nanos;
  }

  void headers(long nanos) {
    headersNanos = nanos;
  }

  void lastByte(long nanos) {
    lastByteNanos = nanos;
  }

  /** A content token arrived at {@code nanos}. */
  void token(long nanos) {
    if (tokenCount == tokenNanos.length) {
      tokenNanos = Arrays.copyOf(tokenNanos, tokenCount * 2);
    }
    tokenNanos[tokenCount++] = nanos;
  }

  /** The first answer token (not reasoning) arrived at {@code nanos}; later calls are ignored. */
  void firstAnswer(long nanos) {
    if (firstAnswerNanos < 0) {
      firstAnswerNanos = nanos;
    }
  }

  /** When the first answer token arrived, -1 if none did. */
  long firstAnswerNanos() {
    return firstAnswerNanos;
  }

  /** The request goes out again on a new connection: its sent time will be the new write's. */
  void unsent() {
    sentNanos = -1;
  }

  long sentNanos() {
    return sentNanos;
  }

  boolean isSent() {
    return sentNanos >= 0;
  }

  long headersNanos() {
    return headersNanos;
  }

  boolean hasHeaders() {
    return headersNanos >= 0;
  }

  long lastByteNanos() {
    return lastByteNanos;
  }

  int tokenCount() {
    return tokenCount;
  }

  long tokenNanos(int index) {
    return tokenNanos[index];
  }
}
