package io.llmgatling.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Wall-clock stamps for {@code created_at} fields, formatted once per millisecond per thread. */
final class Timestamps {
  private static final ThreadLocal<Timestamps> PER_THREAD = ThreadLocal.withInitial(Timestamps::new);

  private long millis = -1;
  private byte[] bytes;

  private Timestamps() {
  }

  /** RFC 3339 with fractional seconds, as Ollama writes {@code created_at}. */
  static byte[] nowBytes() {
    Timestamps t = PER_THREAD.get();
    long now = System.currentTimeMillis();
    if (now != t.millis) {
      t.millis = now;
      t.bytes = DateTimeFormatter.ISO_INSTANT.format(Instant.now()).getBytes(StandardCharsets.US_ASCII);
    }
    return t.bytes;
  }

  static String now() {
    return new String(nowBytes(), StandardCharsets.US_ASCII);
  }
}
