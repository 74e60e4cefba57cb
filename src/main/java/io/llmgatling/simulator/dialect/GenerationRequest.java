package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.SplittableRandom;

/**
 * A generating or embedding request in no API's shape: what the shared engine needs to play it, and the
 * dialect's {@link WireFormat} that writes its answer.
 *
 * @param kind           chat, text completion or embedding
 * @param stream         whether the answer is streamed
 * @param keepAliveNanos how long the model stays loaded afterwards (Ollama's keep_alive); null: the default
 * @param promptTokens   prompt tokens charged to prefill (see {@link Prompts})
 * @param outputTokens   tokens to generate
 * @param doneReason     stop | length | load
 * @param textSeed       seed of the generated text (and of its natural length)
 * @param wire           the answer's bytes, in the dialect's shape
 * @param reasoningTokens of {@code outputTokens}, how many are a thinking phase before the answer (0: none)
 * @param toolCall       the tool call the answer is instead of text, null for a text answer
 */
public record GenerationRequest(Kind kind, boolean stream, Long keepAliveNanos, int promptTokens, int outputTokens,
    String doneReason, long textSeed, WireFormat wire, int reasoningTokens, ToolCallPlan toolCall) {

  /** A generation without reasoning and without a tool call. */
  public GenerationRequest(Kind kind, boolean stream, Long keepAliveNanos, int promptTokens, int outputTokens,
      String doneReason, long textSeed, WireFormat wire) {
    this(kind, stream, keepAliveNanos, promptTokens, outputTokens, doneReason, textSeed, wire, 0, null);
  }

  /** This request with a thinking phase of {@code tokens} (of {@link #outputTokens}) before its answer. */
  public GenerationRequest withReasoning(int tokens) {
    return new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, outputTokens, doneReason, textSeed, wire,
        Math.min(tokens, outputTokens), toolCall);
  }

  /** This request answered with a tool call instead of text. */
  public GenerationRequest withToolCall(ToolCallPlan call) {
    return new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, outputTokens, doneReason, textSeed, wire,
        reasoningTokens, call);
  }

  /**
   * The text seed: fixed by the request when it sets a seed or temperature 0 (same request, same answer),
   * else drawn from the request's random numbers.
   */
  public static long textSeed(JsonNode options, JsonNode body, SplittableRandom random) {
    JsonNode seed = options.path("seed");
    boolean deterministic = seed.canConvertToLong() || options.path("temperature").asDouble(1) == 0;
    return deterministic ? seed.asLong(0) * 31 + body.toString().hashCode() : random.nextLong();
  }

  /**
   * A generation whose answer has a seeded natural length, cut by the request's cap (null: none) and the
   * context left ({@code room}); a load-only request generates nothing.
   */
  public static GenerationRequest answer(Kind kind, boolean stream, Long keepAliveNanos, int promptTokens,
      boolean loadOnly, Integer cap, int room, long textSeed, SimulatorConfig config, WireFormat wire) {
    SplittableRandom lengthRandom = new SplittableRandom(textSeed ^ 0x5DEECE66DL);
    int natural = config.minOutputTokens()
        + lengthRandom.nextInt(config.maxOutputTokens() - config.minOutputTokens() + 1);
    int limit = cap == null ? room : Math.min(cap, room);
    if (loadOnly) {
      return new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, 0, "load", textSeed, wire);
    }
    if (limit < natural) {
      return new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, limit, "length", textSeed, wire);
    }
    return new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, natural, "stop", textSeed, wire);
  }

  /** An embedding of inputs worth {@code promptTokens}: prefill only, one body. */
  public static GenerationRequest embedding(Long keepAliveNanos, int promptTokens, WireFormat wire) {
    return new GenerationRequest(Kind.EMBED, false, keepAliveNanos, promptTokens, 0, "stop", 0, wire);
  }
}
