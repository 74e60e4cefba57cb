package io.llmgatling.engine;

import java.util.Arrays;
import java.util.Locale;

/** The wire API a target speaks. */
public enum ApiFlavor {
  /** Ollama's native API: /api/chat, /api/generate, /api/embed; NDJSON streams. */
  OLLAMA("ollama"),
  /** Any OpenAI-compatible server: /v1/chat/completions, /v1/completions, /v1/embeddings; SSE streams. */
  OPENAI("openai"),
  /** LM Studio's REST API: /api/v0/... with its {@code stats} object; SSE streams. */
  LMSTUDIO("lmstudio"),
  /** llama.cpp's llama-server: OpenAI-compatible /v1 paths plus its {@code timings} object. */
  LLAMACPP("llamacpp");

  private final String id;

  ApiFlavor(String id) {
    this.id = id;
  }

  /** The lower-case name used in properties, records and summaries. */
  public String id() {
    return id;
  }

  /** Parses {@code ollama | openai | lmstudio | llamacpp} (case-insensitive). */
  public static ApiFlavor fromId(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.id.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown API flavour '" + id + "', expected one of: ollama, openai, lmstudio, llamacpp"));
  }
}
