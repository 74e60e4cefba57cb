package io.llmgatling.engine.dialect;

/** How a response body is framed. */
public enum WireFormat {
  /** One JSON object per line (Ollama streams). */
  NDJSON,
  /** Server-sent events, {@code data: {...}} (OpenAI-style streams). */
  SSE,
  /** One JSON document (non-streamed answers, embeddings). */
  JSON
}
