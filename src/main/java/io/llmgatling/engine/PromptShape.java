package io.llmgatling.engine;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a run puts around every generating request's prompt, for prompt-cache studies: a shared prefix
 * ({@code llm.sharedPrefix}: the same system text in front of every request, as a RAG or agent system prompt)
 * and a nonce ({@code llm.nonce}: a unique line at the very start of every prompt, so that no prefix is ever
 * served from the server's prompt cache). Chats get the prefix as a system message in front (merged into the first
 * system message when there is one); completions get it in front of the prompt text. Embeddings are left alone.
 *
 * @param sharedPrefix text in front of every prompt, or null
 * @param nonce        whether a unique nonce starts every prompt
 */
public record PromptShape(String sharedPrefix, boolean nonce) {
  /** Prompts sent as written. */
  public static final PromptShape NONE = new PromptShape(null, false);

  public PromptShape {
    sharedPrefix = sharedPrefix == null || sharedPrefix.isEmpty() ? null : sharedPrefix;
  }

  /** Whether it changes anything. */
  public boolean isNone() {
    return sharedPrefix == null && !nonce;
  }

  /** The request as sent: its prompt with the shared prefix and a fresh nonce in front, as configured. */
  public LlmRequest apply(LlmRequest r) {
    if (isNone() || r.operation() == Operation.EMBED) {
      return r;
    }
    String head = (nonce ? freshNonce() + "\n" : "") + (sharedPrefix == null ? "" : sharedPrefix + "\n\n");
    if (r.operation() == Operation.CHAT) {
      List<Message> messages = new ArrayList<>(r.messages());
      if (!messages.isEmpty() && "system".equals(messages.get(0).role())
          && messages.get(0).parts().stream().allMatch(p -> p instanceof Part.Text)) {
        messages.set(0, Message.system(head + messages.get(0).text()));
      } else {
        messages.add(0, Message.system(head.strip()));
      }
      return new LlmRequest(r.task(), r.api(), r.operation(), r.baseUrl(), r.apiKey(), r.model(), messages,
          r.prompt(), r.input(), r.stream(), r.maxTokens(), r.options(), r.timeouts());
    }
    return new LlmRequest(r.task(), r.api(), r.operation(), r.baseUrl(), r.apiKey(), r.model(), r.messages(),
        head + (r.prompt() == null ? "" : r.prompt()), r.input(), r.stream(), r.maxTokens(), r.options(),
        r.timeouts());
  }

  /**
   * A line no other request of any run starts with: 64 random bits in hex, first on the line, so that two prompts
   * part at their first character (a bracketed label in front would be a few shared tokens more).
   */
  static String freshNonce() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
