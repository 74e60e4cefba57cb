package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.Prompts;
import java.util.SplittableRandom;

/**
 * The text a slot of a model with a prefix cache ({@code prefixCache}) keeps, and what a request reuses of it: chat
 * messages as {@code role:content} lines, a completion's prompt as is, then the answer the slot generated, in the form
 * the next turn's prompt carries it. Cached tokens are the shared prefix's characters at the simulator's
 * characters per token, at most all the prompt but one token (llama.cpp always evaluates at least one token of a
 * prompt to get its logits: "need to evaluate at least 1 token").
 */
final class PrefixCacheText {
  private PrefixCacheText() {
  }

  /** A cache key builder for a model, or null when the model keeps no prefix cache. */
  static StringBuilder start(ModelSpec model) {
    return model != null && model.cachesPrefix() ? new StringBuilder() : null;
  }

  /** Adds one chat message (no-op without a key). */
  static void message(StringBuilder key, String role, String content) {
    if (key != null) {
      key.append(role).append(':').append(content).append('\n');
    }
  }

  /**
   * The request's prompt as the prefix cache sees it, from its JSON body: chat {@code messages} (text content, or
   * the text parts of a content array) or a completion's {@code prompt}; null when the model keeps no cache.
   */
  static SlotScheduler.CachedPrompt fromBody(com.fasterxml.jackson.databind.JsonNode body, ModelSpec model) {
    StringBuilder key = start(model);
    if (key == null || body == null) {
      return null;
    }
    com.fasterxml.jackson.databind.JsonNode messages = body.path("messages");
    com.fasterxml.jackson.databind.JsonNode input = body.path("input");
    // Anthropic's top-level system (with messages), Responses' instructions (with input): the system message in
    // front of the conversation
    String system = messages.isArray() && !body.has("prompt") ? "system" : input.isMissingNode() ? null
        : "instructions";
    java.util.List<Integer> ends = new java.util.ArrayList<>();
    if (system != null && body.hasNonNull(system)) {
      message(key, "system", Prompts.contentText(body.path(system)));
      ends.add(key.length());
    }
    if (messages.isArray()) {
      for (com.fasterxml.jackson.databind.JsonNode m : messages) {
        message(key, m.path("role").asText(), Prompts.contentText(m.path("content")));
        ends.add(key.length());
      }
    } else if (!body.has("prompt") && input.isArray()) {
      // Responses' input items: messages, and function calls and their outputs as text
      for (com.fasterxml.jackson.databind.JsonNode item : input) {
        message(key, item.path("role").asText(item.path("type").asText("")), item.has("content")
            ? Prompts.contentText(item.path("content")) : Prompts.contentText(item.path("arguments"))
            + Prompts.contentText(item.path("output")));
        ends.add(key.length());
      }
    } else if (!body.has("prompt") && input.isTextual()) {
      key.append(input.asText());
    } else {
      key.append(Prompts.contentText(body.path("prompt")));
    }
    return new SlotScheduler.CachedPrompt(key.toString(), model.reusesAnswers(),
        ends.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The answer of a finished request as the slot keeps it after its prompt (the same seeded text it sent). */
  static String answer(Job job, int emitted) {
    if (emitted <= 0) {
      return null;
    }
    SplittableRandom random = new SplittableRandom(job.textSeed);
    StringBuilder text = new StringBuilder(emitted * 6);
    for (int i = 0; i < emitted; i++) {
      for (byte b : TextSource.token(random, i)) {
        text.append((char) b); // tokens are ASCII (TextSource)
      }
    }
    return job.kind == io.llmgatling.simulator.dialect.Kind.CHAT ? "assistant:" + text + "\n" : text.toString();
  }

  /**
   * Prompt tokens of the request its slot held already (the reused characters at {@code charsPerToken}, and the
   * template's {@code messageTokens} of each message they hold whole); 0 without a cache or before the grant.
   */
  static int cachedTokens(Job job, double charsPerToken, double messageTokens) {
    if (job.cachedPrompt == null || job.cachedPrompt.cachedChars() <= 0) {
      return 0;
    }
    int tokens = (int) Math.floor(job.cachedPrompt.cachedChars() / charsPerToken)
        + Prompts.templateTokens(job.cachedPrompt.cachedMessages(), messageTokens);
    return Math.max(0, Math.min(tokens, job.promptTokens - 1));
  }
}
