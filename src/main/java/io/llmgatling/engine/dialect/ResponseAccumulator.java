package io.llmgatling.engine.dialect;

import io.llmgatling.engine.Part;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One response's state, built from the typed {@link Chunk}s its dialect read: the answer text, whether the
 * stream's end marker was seen, token counts and the server's own timings. {@link #accept} is the one place
 * where a chunk means something to a record, whichever API and whichever path (tree or tokens) read it. Not
 * thread-safe: one response, one event loop.
 */
public final class ResponseAccumulator implements ChunkSink {
  private final StringBuilder text = new StringBuilder();
  private int contentChunks;
  private boolean ended;
  private String finishReason;
  private String streamError;
  private Integer promptTokens;
  private Integer serverOutputTokens;
  private Integer cachedTokens;
  private Integer serverReasoningTokens;
  private Double queueMs;
  private Double loadMs;
  private Double promptEvalMs;
  private Double evalMs;
  private Double serverTotalMs;
  private Double serverBusyMs;
  private int embeddings;
  private int dimensions;
  private int reasoningChunks;
  private int answerChunks;
  private int toolCallDeltas;
  /** Content seen so far: none yet, a {@code <think>} block open, just closed (blank deltas), the answer. */
  private int contentState;
  private static final int NO_CONTENT = 0;
  private static final int IN_THINK = 1;
  private static final int AFTER_THINK = 2;
  private static final int ANSWER = 3;
  private static final String THINK_OPEN = "<think>";
  private static final String THINK_CLOSE = "</think>";
  /** Tool calls by index, in the order their first piece arrived. */
  private final Map<Integer, ToolCallBuilder> toolCalls = new LinkedHashMap<>();

  /**
   * {@code accept(new Chunk.Token(text, 1))} without the record: a dialect's per-token path puts its text through
   * here, so typed chunks cost the stream nothing (a record per token was +24 bytes a chunk, 122.7 → 146.7 bytes
   * per Ollama line through the fast path, measured by {@code ChunkAllocationBench} in the tests).
   */
  @Override
  public void token(String text) {
    content(text);
  }

  /** {@code accept(new Chunk.Reasoning(text))} without the record, as {@link #token}. */
  @Override
  public void reasoning(String text) {
    countReasoning(text);
  }

  /** Applies one chunk. */
  @Override
  public void accept(Chunk chunk) {
    if (chunk instanceof Chunk.Token token) {
      content(token.text());
    } else if (chunk instanceof Chunk.Reasoning reasoning) {
      countReasoning(reasoning.text());
    } else if (chunk instanceof Chunk.Done done) {
      end();
      finishReason(done.finishReason());
    } else if (chunk instanceof Chunk.Usage usage) {
      if (usage.estimate()) {
        if (promptTokens == null) {
          promptTokens(usage.promptTokens());
        }
        if (serverOutputTokens == null) {
          serverOutputTokens(usage.outputTokens());
        }
        if (cachedTokens == null && usage.cachedTokens() != null) {
          cachedTokens = usage.cachedTokens();
        }
        if (serverReasoningTokens == null && usage.reasoningTokens() != null) {
          serverReasoningTokens = usage.reasoningTokens();
        }
      } else {
        promptTokens(usage.promptTokens());
        serverOutputTokens(usage.outputTokens());
        if (usage.cachedTokens() != null) {
          cachedTokens = usage.cachedTokens();
        }
        if (usage.reasoningTokens() != null) {
          serverReasoningTokens = usage.reasoningTokens();
        }
      }
    } else if (chunk instanceof Chunk.ServerTimings t) {
      serverTotalMs(t.totalMs());
      loadMs(t.loadMs());
      promptEvalMs(t.promptEvalMs());
      evalMs(t.evalMs());
      queueMs(t.queueMs());
      serverBusyMs(t.busyMs());
    } else if (chunk instanceof Chunk.StopReason stop) {
      if (finishReason == null) {
        finishReason(stop.reason());
      }
    } else if (chunk instanceof Chunk.Embeddings e) {
      embeddings(e.count(), e.dimensions());
    } else if (chunk instanceof Chunk.StreamError error) {
      streamError(error.message());
    } else if (chunk instanceof Chunk.ToolCallDelta delta) {
      toolCall(delta);
    } else {
      throw new IllegalStateException("unknown chunk " + chunk);
    }
  }

  /**
   * A piece of a tool call, assembled by index. A piece that carries a name or argument text is generated output:
   * it counts as a content chunk, so a call-only answer has a TTFT and its argument pieces are timed like tokens.
   */
  private void toolCall(Chunk.ToolCallDelta delta) {
    toolCallDeltas++;
    ToolCallBuilder call = toolCalls.get(delta.index());
    if (call == null) {
      call = new ToolCallBuilder();
      toolCalls.put(delta.index(), call);
    }
    if (delta.id() != null && !delta.id().isEmpty()) {
      call.id = delta.id();
    }
    boolean generated = false;
    if (delta.name() != null && !delta.name().isEmpty()) {
      call.name = call.name == null ? delta.name() : call.name + delta.name();
      generated = true;
    }
    if (delta.argumentsDelta() != null && !delta.argumentsDelta().isEmpty()) {
      call.arguments.append(delta.argumentsDelta());
      generated = true;
    }
    if (generated) {
      contentChunks++;
    }
  }

  /** One call of the answer as its pieces arrive. */
  private static final class ToolCallBuilder {
    private String id;
    private String name;
    private final StringBuilder arguments = new StringBuilder();
  }

  /**
   * Appends a content delta; an empty or null delta is not a token and is ignored. An answer that opens with
   * {@code <think>} (a reasoning model behind an API without a reasoning field: llama-server's {@code /completion},
   * a server not parsing the thinking out) is reasoning up to {@code </think>} and the blank deltas after it; only
   * what follows is answer text.
   */
  private void content(String delta) {
    if (delta != null && !delta.isEmpty()) {
      contentChunks++;
      if (contentState != ANSWER && thinkTagged(delta)) {
        return;
      }
      text.append(delta);
      answerChunks++;
    }
  }

  /** @return true when the delta was reasoning (inside or closing the think block), false when it is answer */
  private boolean thinkTagged(String delta) {
    if (contentState == NO_CONTENT) {
      if (delta.isBlank()) {
        return false; // undecided: a newline before the answer (or before <think>)
      }
      if (!delta.stripLeading().startsWith(THINK_OPEN)) {
        contentState = ANSWER;
        return false;
      }
      contentState = IN_THINK;
    }
    if (contentState == IN_THINK) {
      int close = delta.indexOf(THINK_CLOSE);
      if (close < 0) {
        reasoningChunks++;
        return true;
      }
      contentState = AFTER_THINK;
      delta = delta.substring(close + THINK_CLOSE.length());
      if (delta.isBlank()) {
        reasoningChunks++;
        return true;
      }
    } else if (delta.isBlank()) {
      reasoningChunks++; // AFTER_THINK: the newlines between the think block and the answer
      return true;
    }
    contentState = ANSWER;
    text.append(delta.stripLeading());
    answerChunks++;
    return true;
  }

  /**
   * Appends a reasoning ("thinking") delta: it is a generated token, so it counts as a content chunk
   * for timing, but it is not part of the answer text.
   */
  private void countReasoning(String delta) {
    if (delta != null && !delta.isEmpty()) {
      contentChunks++;
      reasoningChunks++;
    }
  }

  /** The stream's end marker was seen (Ollama {@code done:true}, SSE {@code [DONE]}, a finish reason). */
  private void end() {
    ended = true;
  }

  private void finishReason(String reason) {
    if (reason != null && !reason.isEmpty()) {
      finishReason = reason;
    }
  }

  /** An error object arrived inside a successful (200) stream. */
  private void streamError(String message) {
    if (streamError == null) {
      streamError = message;
    }
  }

  private void promptTokens(Integer n) {
    if (n != null) {
      promptTokens = n;
    }
  }

  /** Output tokens as counted by the server (usage, eval_count, ...). */
  private void serverOutputTokens(Integer n) {
    if (n != null) {
      serverOutputTokens = n;
    }
  }

  /** Server-side queue time, when the server's timings give it directly. */
  private void queueMs(Double ms) {
    if (ms != null) {
      queueMs = ms;
    }
  }

  private void loadMs(Double ms) {
    if (ms != null) {
      loadMs = ms;
    }
  }

  private void promptEvalMs(Double ms) {
    if (ms != null) {
      promptEvalMs = ms;
    }
  }

  private void evalMs(Double ms) {
    if (ms != null) {
      evalMs = ms;
    }
  }

  private void serverTotalMs(Double ms) {
    if (ms != null) {
      serverTotalMs = ms;
    }
  }

  /**
   * Time the server says it spent working on the request (prefill + decode) when it reports no queue
   * time; the client then estimates the queue as (last token − sent) − busy, or E2E − busy when not
   * streamed.
   */
  private void serverBusyMs(Double ms) {
    if (ms != null) {
      serverBusyMs = ms;
    }
  }

  private void embeddings(int count, int dimensions) {
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

  /** Prompt tokens the server says it served from its cache, null when it did not say. */
  public Integer cachedTokens() {
    return cachedTokens;
  }

  /** Generated tokens the server says were reasoning, null when it did not say. */
  public Integer serverReasoningTokens() {
    return serverReasoningTokens;
  }

  /** Reasoning chunks among {@link #contentChunks()}. */
  public int reasoningChunks() {
    return reasoningChunks;
  }

  /** Chunks that carried answer text (content that was not reasoning). */
  public int answerChunks() {
    return answerChunks;
  }

  /** Tool-call pieces read (those with a name or argument text are also content chunks). */
  public int toolCallDeltas() {
    return toolCallDeltas;
  }

  /**
   * The tool calls of the answer, assembled from their pieces (a call without a name is dropped: nothing says
   * what it calls); arguments as the text received, {@code {}} when none came.
   */
  public List<Part.ToolCall> toolCalls() {
    List<Part.ToolCall> calls = new ArrayList<>(toolCalls.size());
    for (ToolCallBuilder call : toolCalls.values()) {
      if (call.name != null) {
        calls.add(new Part.ToolCall(call.id, call.name, call.arguments.toString()));
      }
    }
    return calls;
  }
}
