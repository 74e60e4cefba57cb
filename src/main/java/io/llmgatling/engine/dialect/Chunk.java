package io.llmgatling.engine.dialect;

/**
 * What a dialect reads out of one piece of an answer (an NDJSON line, an SSE event, a whole body), in the API's
 * own words turned into one vocabulary. A dialect's reader only says what the chunk holds; the common code
 * ({@link ResponseAccumulator#accept}) applies it once, whichever path (tree or tokens) read it. One piece may
 * yield several chunks, in the order the API puts meaning on them; empty text is never a chunk.
 */
public sealed interface Chunk permits Chunk.Token, Chunk.Reasoning, Chunk.ToolCallDelta, Chunk.Usage,
    Chunk.ServerTimings, Chunk.StopReason, Chunk.Embeddings, Chunk.Done, Chunk.StreamError {

  /**
   * Answer text: a generated token (or several, {@code count}) that is part of the answer.
   *
   * @param text  the text, never empty
   * @param count how many generated tokens it stands for when the server says, else 1
   */
  record Token(String text, int count) implements Chunk {
  }

  /** Reasoning ("thinking") text: generated, timed like a token, but not part of the answer. */
  record Reasoning(String text) implements Chunk {
  }

  /**
   * A piece of a tool call the model makes: streamed APIs send the name first and the arguments in pieces, keyed
   * by {@code index}; a whole answer gives each call at once.
   *
   * @param index          which call of the answer this piece belongs to
   * @param id             the call's id when the API gives one, else null
   * @param name           the function's name when this piece carries it, else null
   * @param argumentsDelta JSON text of (a piece of) the arguments, else null
   */
  record ToolCallDelta(int index, String id, String name, String argumentsDelta) implements Chunk {
  }

  /**
   * The server's token counts.
   *
   * @param promptTokens prompt tokens, or null
   * @param outputTokens generated tokens, or null
   * @param cachedTokens    prompt tokens the server served from its prompt cache (OpenAI
   *                        {@code usage.prompt_tokens_details.cached_tokens}, llama-server {@code timings.cache_n},
   *                        Anthropic {@code cache_read_input_tokens}), or null when the server does not say
   * @param reasoningTokens generated tokens that were reasoning (OpenAI
   *                        {@code completion_tokens_details.reasoning_tokens}, LM Studio
   *                        {@code reasoning_output_tokens}), or null when the server does not say
   * @param estimate     true when derived (llama-server's {@code timings}, LM Studio's tokens/s × time): it fills
   *                     in only what no exact count gave, whichever arrives first
   */
  record Usage(Integer promptTokens, Integer outputTokens, Integer cachedTokens, Integer reasoningTokens,
      boolean estimate) implements Chunk {

    /** Counts without cache or reasoning figures. */
    public Usage(Integer promptTokens, Integer outputTokens, boolean estimate) {
      this(promptTokens, outputTokens, null, null, estimate);
    }
  }

  /**
   * The server's own timings, in milliseconds, each null when not given.
   *
   * @param queueMs      time waiting for a slot, when the server says
   * @param loadMs       model load
   * @param promptEvalMs prefill
   * @param evalMs       decode
   * @param totalMs      the server's whole time
   * @param busyMs       prefill + decode when the server gives no queue time: the client then estimates it
   */
  record ServerTimings(Double queueMs, Double loadMs, Double promptEvalMs, Double evalMs, Double totalMs,
      Double busyMs) implements Chunk {
  }

  /** A stop reason from the server's stats: the finish reason only when the answer itself gave none. */
  record StopReason(String reason) implements Chunk {
  }

  /** The vectors of an embeddings answer: how many and of which dimension. */
  record Embeddings(int count, int dimensions) implements Chunk {
  }

  /** The answer's end marker (Ollama {@code done}, SSE {@code [DONE]}, a finish reason); the reason may be null. */
  record Done(String finishReason) implements Chunk {
  }

  /** An error inside a successful (HTTP 200) answer, in the server's words. */
  record StreamError(String message) implements Chunk {
  }
}
