package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.Locale;
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

  /**
   * A generation as {@link #answer(Kind, boolean, Long, int, boolean, Integer, int, long, SimulatorConfig,
   * WireFormat)} whose answer comes after a thinking phase of {@code reasoningTokens} (0: none): the natural length
   * is the thinking plus the answer's own seeded length, and the cap counts both, so a cap hit while thinking
   * leaves no answer (done reason {@code length}).
   */
  public static GenerationRequest answer(Kind kind, boolean stream, Long keepAliveNanos, int promptTokens,
      boolean loadOnly, Integer cap, int room, long textSeed, SimulatorConfig config, WireFormat wire,
      int reasoningTokens) {
    GenerationRequest plain = answer(kind, stream, keepAliveNanos, promptTokens, loadOnly, cap, room, textSeed,
        config, wire);
    if (reasoningTokens <= 0 || loadOnly) {
      return plain;
    }
    long natural = (long) reasoningTokens + (plain.doneReason.equals("stop") ? plain.outputTokens
        : answer(kind, stream, keepAliveNanos, promptTokens, false, null, Integer.MAX_VALUE, textSeed, config, wire)
            .outputTokens);
    int limit = cap == null ? room : Math.min(cap, room);
    GenerationRequest g = limit < natural
        ? new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, limit, "length", textSeed, wire)
        : new GenerationRequest(kind, stream, keepAliveNanos, promptTokens, (int) natural, "stop", textSeed, wire);
    return g.withReasoning(reasoningTokens);
  }

  /**
   * How many tokens a model thinks before this request's answer: 0 for a model without {@code reasoning} or when
   * the request turned thinking off; else a length drawn from the text seed in the model's range, scaled by the
   * effort asked for (low ×0.5, medium ×1, high ×2; on, or nothing asked: the server's default, medium).
   *
   * @param effort {@code off}, {@code on}, {@code low}, {@code medium}, {@code high}, or null (not asked)
   */
  public static int reasoningTokens(ModelSpec model, String effort, long textSeed) {
    ModelSpec.Reasoning r = model.reasoning();
    if (r == null) {
      return 0;
    }
    String e = effort == null ? "medium" : effort.toLowerCase(Locale.ROOT);
    double scale = switch (e) {
      case "off", "none", "false", "disabled" -> 0;
      case "low", "minimal" -> 0.5;
      case "high" -> 2;
      default -> 1;
    };
    if (scale == 0) {
      return 0;
    }
    SplittableRandom random = new SplittableRandom(textSeed ^ 0x7E1A5ED5L);
    int drawn = r.minTokens() + random.nextInt(r.maxTokens() - r.minTokens() + 1);
    return Math.max(1, (int) Math.round(drawn * scale));
  }

  /** An embedding of inputs worth {@code promptTokens}: prefill only, one body. */
  public static GenerationRequest embedding(Long keepAliveNanos, int promptTokens, WireFormat wire) {
    return new GenerationRequest(Kind.EMBED, false, keepAliveNanos, promptTokens, 0, "stop", 0, wire);
  }
}
