package io.llmgatling.engine.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The engine's one Jackson mapper (thread-safe once configured). */
public final class Json {
  /** Shared mapper: lenient on unknown fields, strict on syntax. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private Json() {
  }
}
