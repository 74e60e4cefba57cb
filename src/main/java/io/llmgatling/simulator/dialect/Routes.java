package io.llmgatling.simulator.dialect;

/** Where a dialect declares its endpoints. Paths arrive without query and without a trailing slash. */
public interface Routes {
  /** Handles one request. */
  @FunctionalInterface
  interface Handler {
    void handle(ServerExchange exchange);
  }

  /** GET (and HEAD, which answers the same head without a body). */
  Routes get(String path, Handler handler);

  Routes post(String path, Handler handler);

  /** GET and HEAD on every path under {@code prefix} (such as {@code /v1/models/}) not matched exactly. */
  Routes getUnder(String prefix, Handler handler);

  /** A liveness probe ({@code /}, {@code /health}): recorded in the truth under no API. */
  Routes probe(String path, Handler handler);

  /** Answers any method on any unmatched path under {@code prefix} (the longest prefix wins). */
  Routes notFound(String prefix, Handler handler);
}
