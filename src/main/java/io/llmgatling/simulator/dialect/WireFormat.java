package io.llmgatling.simulator.dialect;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** One request's answer in its API's wire shape; the engine decides when each part goes out. */
public interface WireFormat {
  /** Headers of a streamed answer besides status, framing and connection (content type, cache control). */
  void streamHeaders(HttpHeaders headers);

  /**
   * Frames written right after the stream's headers, before any token (none for today's APIs; Anthropic's
   * {@code message_start}, LM Studio v1's {@code chat.start}, Responses' {@code response.created}).
   */
  default List<byte[]> streamStart() {
    return List.of();
  }

  /** The frame of one streamed token (hot path: built once, copied per token). */
  ChunkTemplate chunkTemplate();

  /**
   * What the engine writes between a template's prefix and its middle (when the template has a middle), once per
   * streamed token: the current {@code created_at} stamp by default (Ollama); a wire whose events are numbered
   * (Responses' {@code sequence_number}) gives the next number. The array is copied at once, never kept.
   */
  default byte[] stamp() {
    return io.llmgatling.simulator.Timestamps.nowBytes();
  }

  /** The whole body of a non-streamed answer. */
  byte[] body(Outcome outcome, String content);

  // --- Reasoning: a thinking phase of GenerationRequest.reasoningTokens before the answer -----------------------

  /**
   * Frames written before the first reasoning token of a stream (Anthropic's thinking {@code content_block_start},
   * LM Studio v1's {@code reasoning.start}, Responses' reasoning {@code output_item.added}); only when the answer
   * starts with reasoning.
   */
  default List<byte[]> reasoningStart() {
    return List.of();
  }

  /**
   * The frame of one streamed reasoning token (Ollama {@code message.thinking}, OpenAI-style
   * {@code delta.reasoning_content}, LM Studio v1 {@code reasoning.delta}, Anthropic {@code thinking_delta}); null
   * when the API has no reasoning field: the engine then writes the reasoning through {@link #chunkTemplate()}
   * between {@code <think>} and {@code </think>} tokens, as llama-server's {@code /completion} does.
   */
  default ChunkTemplate reasoningTemplate() {
    return null;
  }

  /** Frames between the last reasoning token and whatever follows (block stop, {@code reasoning.end}). */
  default List<byte[]> reasoningEnd() {
    return List.of();
  }

  /**
   * Frames before the first answer token, with or without reasoning before it (Anthropic's text
   * {@code content_block_start}, LM Studio v1's {@code message.start}, Responses' message {@code output_item.added}).
   */
  default List<byte[]> answerStart() {
    return List.of();
  }

  /** Frames after the last answer token, before {@link #streamEnd} (block stop, {@code message.end}). */
  default List<byte[]> answerEnd() {
    return List.of();
  }

  /**
   * The whole body of a non-streamed answer with its reasoning text (empty when none) in the API's reasoning
   * field; the default drops the reasoning (APIs without a field).
   */
  default byte[] body(Outcome outcome, String reasoning, String content) {
    return body(outcome, content);
  }

  // --- Tool calls: the answer is a call (GenerationRequest.toolCall) instead of text ----------------------------

  /** Frames that open a streamed tool call (its id and name), before the pieces of its arguments. */
  default List<byte[]> toolCallStart(ToolCallPlan call) {
    return List.of();
  }

  /**
   * The frame of one streamed piece of the call's arguments (the engine writes the piece JSON-string-escaped
   * between prefix and suffix); null when the API sends a call whole: the engine then generates the argument
   * tokens silently and the call goes out in {@link #toolCallEnd}.
   */
  default ChunkTemplate toolCallTemplate() {
    return null;
  }

  /** Frames that close a streamed tool call (or carry it whole when {@link #toolCallTemplate()} is null). */
  default List<byte[]> toolCallEnd(ToolCallPlan call) {
    return List.of();
  }

  /** The whole body of a non-streamed answer that is a tool call (reasoning text empty when none). */
  default byte[] toolCallBody(Outcome outcome, String reasoning, ToolCallPlan call) {
    throw new UnsupportedOperationException("this API's wire has no tool calls yet");
  }

  /** The frames after the last token of a stream, each written as its own HTTP chunk. */
  List<byte[]> streamEnd(Outcome outcome);

  /** An unparseable frame in the middle of a stream (the malformed fault). */
  byte[] malformedFrame();

  /** The server's error object as a frame inside a 200 stream (the error_line fault). */
  byte[] errorFrame(String message);

  /** An error body in the server's own shape. */
  String errorBody(int status, String message);

  /** The body of an embedding answer. */
  default byte[] embeddingBody(Outcome outcome) {
    throw new UnsupportedOperationException("not an embedding endpoint");
  }
}
