package io.llmgatling.engine;

import java.time.Duration;

/**
 * Client-side limits of one request. A limit that expires ends the request with cause {@code timeout}.
 *
 * @param connect    TCP (and TLS) connect
 * @param firstToken from sent until the first content token (or the whole body when not streamed)
 * @param idle       longest silence between two chunks once the response has started
 * @param total      from sent until the last byte
 */
public record Timeouts(Duration connect, Duration firstToken, Duration idle, Duration total) {
  public static final Timeouts DEFAULT =
      new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(5));
}
