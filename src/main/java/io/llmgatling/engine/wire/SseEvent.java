package io.llmgatling.engine.wire;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} field, {@code "message"} when absent
 * @param data  the {@code data:} lines joined with {@code \n}
 * @param id    the last {@code id:} seen on the stream, or null
 */
public record SseEvent(String event, String data, String id) {
  /** Whether this is the OpenAI end-of-stream sentinel {@code data: [DONE]}. */
  public boolean isDone() {
    return "[DONE]".equals(data.strip());
  }
}
