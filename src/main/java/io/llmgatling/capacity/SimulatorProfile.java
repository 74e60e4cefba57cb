package io.llmgatling.capacity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.Arrays;
import java.util.List;

/**
 * A simulator profile ({@code user-files/simulator-NAME.json}, read by {@link SimulatorConfig#fromFile}) that plays
 * a fitted server: its slots, prefill and decode rates, batching slowdown and cold load time, under the model names
 * the runs used (so {@code -Dllm.model=} works unchanged), with no jitter.
 *
 * <p>A small fitted fixed prefill part is taken for the HTTP exchange, which a run against the simulator pays again,
 * and left out; a larger one is the server's own and written as {@code prefillOverheadMs}.
 */
public final class SimulatorProfile {
  private static final ObjectMapper JSON = Json.MAPPER;
  /** Prefill rate written when the runs' prefill was too short to measure: effectively instant. */
  static final double INSTANT_PREFILL = 1_000_000;
  /**
   * A fitted fixed prefill part up to this is taken for the HTTP exchange on this machine (3.5 ms measured against
   * the simulator) and left out; a larger one is the server's own (the real llama.cpp engine: about 100 ms, its chat
   * template's tokens among them) and is written as the model's {@code prefillOverheadMs}.
   */
  static final double EXCHANGE_MS = 20;

  private SimulatorProfile() {
  }

  /**
   * The profile as JSON (keys of {@link SimulatorConfig}; the rest keeps the profile's defaults).
   *
   * @param fit     the fit of the runs
   * @param apis    the APIs the runs spoke (llamacpp or lmstudio pick that simulator profile, else ollama)
   */
  public static ObjectNode of(ServerFit.Fit fit, List<String> apis) {
    return of(fit, apis, null);
  }

  /**
   * The profile as JSON, with the simulator's prompt token estimate set to the server's tokenizer.
   *
   * @param charsPerToken characters per prompt token of the server's tokenizer (null: the profile's default). The
   *                      records carry the server's prompt tokens, not the prompt text, so the fit cannot tell it;
   *                      the simulator prefills its own estimate ({@code characters / charsPerToken}) at the fitted
   *                      per-token rate, and a tokenizer that makes 2.7 times the tokens of the default estimate
   *                      (the real engine's small vocabulary) would otherwise prefill 2.7 times too fast
   */
  public static ObjectNode of(ServerFit.Fit fit, List<String> apis, Double charsPerToken) {
    return of(fit, apis, charsPerToken, 0);
  }

  /**
   * The profile as JSON, with the simulator's prompt token estimate mapped to the server's tokenizer: the server
   * counts {@code characters / charsPerToken + promptTokenOffset} tokens for a prompt (the offset: its chat
   * template's tokens, which the simulator's estimate from the text leaves out), the offset's prefill being written as
   * part of the model's fixed prompt cost ({@code prefillOverheadMs}).
   */
  public static ObjectNode of(ServerFit.Fit fit, List<String> apis, Double charsPerToken, double promptTokenOffset) {
    return of(fit, apis, charsPerToken, promptTokenOffset, 0);
  }

  /**
   * As {@link #of(ServerFit.Fit, List, Double, double)}, the server's chat template counted per message too: the
   * simulator adds {@code messageTokens} prompt tokens for each chat message (written to the profile when above 0),
   * and the offset is then what a prompt has beyond its text and its messages' template tokens.
   */
  public static ObjectNode of(ServerFit.Fit fit, List<String> apis, Double charsPerToken, double promptTokenOffset,
      double messageTokens) {
    ServerParams p = fit.params();
    ObjectNode root = JSON.createObjectNode();
    // llamacpp-native, lmstudio-v0 and lmstudio-v1 are the same servers' other APIs
    String profile = apis.stream().anyMatch(api -> api.startsWith("llamacpp")) ? "llamacpp"
        : apis.stream().anyMatch(api -> api.startsWith("lmstudio")) ? "lmstudio" : "ollama";
    root.put("profile", profile);
    root.put("slots", p.slots());
    root.put("jitter", 0.0);
    root.put("loadTimeMs", Math.round(p.loadMs()));
    root.put("preloadModels", p.loadMs() <= 0);
    if (charsPerToken != null) {
      root.put("charsPerToken", charsPerToken);
    }
    if (messageTokens > 0) {
      root.put("messageTokens", messageTokens);
    }
    int[] natural = fit.naturalOutputTokens();
    boolean anyCapped = fit.samples().stream().anyMatch(Sample::capped);
    if (!anyCapped && natural.length > 0) {
      // every answer ended on its own: their range is the server's; a capped one hides how long it would be
      root.put("minOutputTokens", Arrays.stream(natural).min().getAsInt());
      root.put("maxOutputTokens", Arrays.stream(natural).max().getAsInt());
    } else if (natural.length == 0 && anyCapped) {
      // every answer ran to its limit (a server ignoring end-of-sequence, or answers longer than every cap): the
      // server's answers are at least as long as the longest cap, so the simulator's are too (else it stops at
      // its own 24-320 tokens: 96 tokens where the real engine gave 128, throughput 33 % high in requests/s)
      int longest = fit.samples().stream().filter(Sample::capped).mapToInt(Sample::outputTokens).max().getAsInt();
      root.put("minOutputTokens", Math.max(1, longest));
      root.put("maxOutputTokens", Math.max(longest, SimulatorConfig.forProfile(profile).maxOutputTokens()));
    }
    // with the server's own prompt eval times by requests in the server, the prompt cost is the measured one: the
    // table's rate with the fewest requests as the base rate, the fitted fixed part (TTFT-based) folded in the table
    double prefill = fit.prefillTable() != null ? fit.prefillTable().values().iterator().next()
        : effectivePrefillRate(p, fit.samples());
    // the chat template's first tokens are served from the server's cache on every prompt (llama.cpp: 12-14 of the
    // real engine's 72 on a conversation's first turn); the simulator's cache only serves a slot's kept conversation
    double templateTokens = Math.max(0, promptTokenOffset - (fit.sharedCachedTokens() == null ? 0
        : Math.min(promptTokenOffset, fit.sharedCachedTokens())));
    ArrayNode models = root.putArray("models");
    for (String name : fit.models().isEmpty() ? List.of("calibrated") : fit.models()) {
      ObjectNode m = models.addObject();
      m.put("name", name);
      m.put("kind", "llm");
      m.put("prefillTokensPerSec", round(prefill));
      m.put("decodeTokensPerSec", round(p.decodeTokensPerSec()));
      m.put("batchSlowdown", Math.round(p.batchSlowdown() * 10_000) / 10_000.0);
      if (p.prefillInBatch()) {
        m.put("prefillInBatch", true);
      }
      if (fit.decodeTable() != null) {
        // the measured pace per requests in the server: plays each concurrency of the sweep it comes from
        ObjectNode table = m.putObject("decodeTable");
        Double context = fit.contextMsPer1kTokens();
        fit.decodeTable().forEach((n, rate) -> {
          if (context == null || promptTokenOffset <= 0) {
            table.put(Integer.toString(n), rate);
          } else {
            // the simulator's context count leaves out the chat template's tokens of each holder's prompt (the
            // offset), which the fit's count held: their part, context × holders × (holders × offset) / 1,000 ms a
            // token, goes into the pace of the count (its holders: the count, at most the slots)
            int holders = Math.min(n, Math.max(1, p.slots()));
            double ms = 1000.0 / rate + context * holders * holders * promptTokenOffset / 1000;
            table.put(Integer.toString(n), round(1000.0 / ms));
          }
        });
        if (context != null) {
          m.put("contextMsPer1kTokens", context);
        }
      }
      if (fit.prefillSpread() != null) {
        // the server's prompt times about the fitted prefill; the token intervals keep the profile's jitter
        m.put("prefillJitter", fit.prefillSpread());
      }
      if (fit.prefillTable() != null) {
        ObjectNode table = m.putObject("prefillTable");
        fit.prefillTable().forEach((n, rate) -> table.put(Integer.toString(n), rate));
      }
      double fixedMs = (p.overheadMs() > EXCHANGE_MS && fit.prefillTable() == null ? p.overheadMs() : 0)
          + templateTokens * 1000 / prefill;
      if (p.prefillTokensPerSec() != null && fixedMs > 0) {
        m.put("prefillOverheadMs", round(fixedMs));
      }
      m.put("contextLength", 131_072);
    }
    for (String name : fit.embeddingModels()) {
      ObjectNode m = models.addObject();
      m.put("name", name);
      m.put("kind", "embedding");
      m.put("prefillTokensPerSec", 8000);
      m.put("decodeTokensPerSec", 1);
      m.put("contextLength", 8192);
    }
    return root;
  }

  /**
   * Sets the per-slot prompt cache ({@code prefixCache}) of the profile's generating models; null or {@code none}
   * leaves them without one.
   */
  public static void withPrefixCache(ObjectNode profile, String mode) {
    if (mode == null || mode.equals("none")) {
      return;
    }
    profile.path("models").forEach(m -> {
      if ("llm".equals(m.path("kind").asText())) {
        ((ObjectNode) m).put("prefixCache", mode);
      }
    });
  }

  /**
   * The prefill rate of the profile. When the prompt sizes varied enough to tell a per-token rate from a fixed part,
   * the per-token rate: the fixed part is then mostly the HTTP exchange on this machine (client to server and
   * back), which a run against the simulator pays again (with the overhead folded in, a round trip against the
   * simulator came out 8 % slow on TTFT: 3.5 ms counted twice on 45 ms), a fixed part above {@link #EXCHANGE_MS}
   * being written apart. Otherwise the fixed part cannot be told apart and is folded into the rate at the mean
   * prompt size.
   */
  static double effectivePrefillRate(ServerParams p, List<Sample> samples) {
    if (p.prefillTokensPerSec() != null && p.overheadMs() > 0) {
      return Math.min(INSTANT_PREFILL, p.prefillTokensPerSec());
    }
    double meanPrompt = samples.stream().mapToInt(Sample::promptTokens).average().orElse(0);
    double meanMs = p.prefillMs((int) Math.round(meanPrompt));
    if (meanPrompt <= 0 || meanMs <= 0.01) {
      return p.prefillTokensPerSec() != null ? p.prefillTokensPerSec() : INSTANT_PREFILL;
    }
    return Math.min(INSTANT_PREFILL, meanPrompt * 1000 / meanMs);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
