package io.llmgatling.engine.provider;

/**
 * What a provider reads out of one response, chunk by chunk: the answer text, whether the stream's end
 * marker was seen, token counts and the server's own timings. Not thread-safe: one response, one event
 * loop.
 */
public final class ResponseAccumulator {
  private final StringBuilder text = new StringBuilder();
  private int contentChunks;
  private boolean ended;
  private String finishReason;
  private String streamError;
  private Integer promptTokens;
  private Integer serverOutputTokens;
  private Double queueMs;
  private Double loadMs;
  private Double promptEvalMs;
  private Double evalMs;
  private Double serverTotalMs;
  private Double serverBusyMs;
  private int embeddings;
  private int dimensions;

  /** Appends a content delta; an empty or null delta is not a token and is ignored. */
  public void content(String delta) {
    if (delta != null && !delta.isEmpty()) {
      text.append(delta);
      contentChunks++;
    }
  }

  /**
   * Appends a reasoning ("thinking") delta: it is a generated token, so it counts as a content chunk
   * for timing, but it is not part of the answer text.
   */
  public void reasoning(String delta) {
    if (delta != null && !delta.isEmpty()) {
      contentChunks++;
    }
  }

  /** The stream's end marker was seen (Ollama {@code done:true}, SSE {@code [DONE]}, a finish reason). */
  public void end() {
    ended = true;
  }

  public void finishReason(String reason) {
    if (reason != null && !reason.isEmpty()) {
      finishReason = reason;
    }
  }

  /** An error object arrived inside a successful (200) stream. */
  public void streamError(String message) {
    if (streamError == null) {
      streamError = message;
    }
  }

  public void promptTokens(Integer n) {
    if (n != null) {
      promptTokens = n;
    }
  }

  /** Output tokens as counted by the server (usage, eval_count, ...). */
  public void serverOutputTokens(Integer n) {
    if (n != null) {
      serverOutputTokens = n;
    }
  }

  /** Server-side queue time, when the server's timings give it directly. */
  public void queueMs(Double ms) {
    if (ms != null) {
      queueMs = ms;
    }
  }

  public void loadMs(Double ms) {
    if (ms != null) {
      loadMs = ms;
    }
  }

  public void promptEvalMs(Double ms) {
    if (ms != null) {
      promptEvalMs = ms;
    }
  }

  public void evalMs(Double ms) {
    if (ms != null) {
      evalMs = ms;
    }
  }

  public void serverTotalMs(Double ms) {
    if (ms != null) {
      serverTotalMs = ms;
    }
  }

  /**
   * Time the server says it spent working on the request (prefill + decode) when it reports no queue
   * time; the client then estimates the queue as (last token − sent) − busy, or E2E − busy when not
   * streamed.
   */
  public void serverBusyMs(Double ms) {
    if (ms != null) {
      serverBusyMs = ms;
    }
  }

  public void embeddings(int count, int dimensions) {
    this.embeddings = count;
    this.dimensions = dimensions;
  }

  public String text() {
    return text.toString();
  }

  public int contentChunks() {
    return contentChunks;
  }

  public boolean ended() {
    return ended;
  }

  public String finishReason() {
    return finishReason;
  }

  public String streamError() {
    return streamError;
  }

  public Integer promptTokens() {
    return promptTokens;
  }

  public Integer serverOutputTokens() {
    return serverOutputTokens;
  }

  public Double queueMs() {
    return queueMs;
  }

  public Double loadMs() {
    return loadMs;
  }

  public Double promptEvalMs() {
    return promptEvalMs;
  }

  public Double evalMs() {
    return evalMs;
  }

  public Double serverTotalMs() {
    return serverTotalMs;
  }

  public Double serverBusyMs() {
    return serverBusyMs;
  }

  public int embeddings() {
    return embeddings;
  }

  public int dimensions() {
    return dimensions;
  }
}
