package io.llmgatling.engine.wire;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The engine's former mapper holder, now a delegate of {@link io.llmgatling.json.Json}.
 *
 * @deprecated use {@link io.llmgatling.json.Json#MAPPER}; kept while the engine's dialects move (issue 14)
 */
@Deprecated
public final class Json {
  /** Shared mapper: lenient on unknown fields, strict on syntax. */
  public static final ObjectMapper MAPPER = io.llmgatling.json.Json.MAPPER;

  private Json() {
  }
}
