package io.llmgatling.javaapi;

import io.gatling.core.protocol.Protocol;
import io.gatling.javaapi.core.ProtocolBuilder;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.PromptShape;
import io.llmgatling.engine.gatling.LlmProtocol;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Settings shared by all LLM requests of a scenario: server, API flavour, key, default models, timeouts and
 * options. Immutable: every method returns a new builder. Start from {@link LlmDsl#llm}.
 */
public final class LlmProtocolBuilder implements ProtocolBuilder {
  private final LlmProtocol wrapped;

  LlmProtocolBuilder(LlmProtocol wrapped) {
    this.wrapped = wrapped;
  }

  /**
   * The server root as its own docs give it, e.g. {@code http://localhost:11434} (Ollama),
   * {@code http://localhost:1234} (LM Studio), {@code http://localhost:8080} (llama-server).
   * OpenAI-style paths go under {@code /v1} beneath it (a root given with {@code /v1} is taken without it).
   * Credentials written into it ({@code http://user:secret@host}) are shown masked in every message.
   *
   * @param baseUrl http or https URL
   * @return a new builder
   */
  public LlmProtocolBuilder baseUrl(String baseUrl) {
    BaseUrl root;
    try {
      root = BaseUrl.parse(baseUrl); // credentials never shown, in the message either
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid base URL: " + e.getMessage() + " (expected http(s)://host[:port])");
    }
    return new LlmProtocolBuilder(wrapped.withBaseUrl(root));
  }

  /**
   * The API spoken, by its id ({@code llm.api}): any registered dialect.
   *
   * @param api ollama, openai, lmstudio, llamacpp, ...
   * @return a new builder
   * @throws IllegalArgumentException for an unknown id, naming the valid ones
   */
  public LlmProtocolBuilder api(String api) {
    return new LlmProtocolBuilder(wrapped.withApi(Dialects.byId(api)));
  }

  /**
   * Ollama's native API ({@code /api/chat}, NDJSON streams).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder ollama() {
    return api("ollama");
  }

  /**
   * Any OpenAI-compatible server ({@code /v1/...}, SSE streams).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder openai() {
    return api("openai");
  }

  /**
   * LM Studio's REST API: {@code llm.api=lmstudio}. The harness's pre-flight picks v1 ({@code /api/v1/chat}) when the
   * server has it, else v0; a protocol nobody pre-flighted speaks v0 ({@code /api/v0/...} with its stats), which
   * every LM Studio serves. {@link #lmstudioV1()} forces v1.
   *
   * @return a new builder
   */
  public LlmProtocolBuilder lmstudio() {
    return api("lmstudio");
  }

  /**
   * LM Studio's native REST v1 ({@code /api/v1/chat}: named events, stats with load and prefill times; LM Studio
   * 0.4.0 or later).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder lmstudioV1() {
    return api("lmstudio-v1");
  }

  /**
   * llama-server's native {@code /completion} (prompt rendered in ChatML, timings and cached tokens in the last
   * chunk).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder llamacppNative() {
    return api("llamacpp-native");
  }

  /**
   * llama.cpp's llama-server ({@code /v1/...} with its timings).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder llamacpp() {
    return api("llamacpp");
  }

  /**
   * OpenAI's Responses API ({@code /v1/responses}, named SSE events), served by Ollama, LM Studio and llama-server.
   *
   * @return a new builder
   */
  public LlmProtocolBuilder responses() {
    return api("responses");
  }

  /**
   * Anthropic's Messages API ({@code /v1/messages}, the key in {@code x-api-key}), served by Ollama, LM Studio and
   * llama-server.
   *
   * @return a new builder
   */
  public LlmProtocolBuilder anthropic() {
    return api("anthropic");
  }

  /**
   * A bearer token sent as {@code Authorization: Bearer ...}; never written to any output.
   *
   * @param apiKey the key
   * @return a new builder
   */
  public LlmProtocolBuilder apiKey(String apiKey) {
    return new LlmProtocolBuilder(wrapped.withApiKey(apiKey == null || apiKey.isBlank() ? null : apiKey));
  }

  /**
   * Default models; actions without a model use the first.
   *
   * @param models one or more model names
   * @return a new builder
   */
  public LlmProtocolBuilder model(String... models) {
    return new LlmProtocolBuilder(wrapped.withModels(Arrays.asList(models)));
  }

  /**
   * Default models; actions without a model use the first.
   *
   * @param models model names
   * @return a new builder
   */
  public LlmProtocolBuilder models(List<String> models) {
    return new LlmProtocolBuilder(wrapped.withModels(models));
  }

  /**
   * TCP/TLS connect timeout (default 10 s).
   *
   * @param timeout the limit
   * @return a new builder
   */
  public LlmProtocolBuilder connectTimeout(Duration timeout) {
    return new LlmProtocolBuilder(wrapped.withConnectTimeout(timeout));
  }

  /**
   * Longest wait from sent to the first token, or to the whole body when not streamed (default 60 s).
   *
   * @param timeout the limit
   * @return a new builder
   */
  public LlmProtocolBuilder firstTokenTimeout(Duration timeout) {
    return new LlmProtocolBuilder(wrapped.withFirstTokenTimeout(timeout));
  }

  /**
   * Longest silence between two chunks of a started stream (default 30 s).
   *
   * @param timeout the limit
   * @return a new builder
   */
  public LlmProtocolBuilder idleTimeout(Duration timeout) {
    return new LlmProtocolBuilder(wrapped.withIdleTimeout(timeout));
  }

  /**
   * Longest request, sent to last byte (default 5 min).
   *
   * @param timeout the limit
   * @return a new builder
   */
  public LlmProtocolBuilder totalTimeout(Duration timeout) {
    return new LlmProtocolBuilder(wrapped.withTotalTimeout(timeout));
  }

  /**
   * A default request option for every action ({@code temperature}, {@code seed}, {@code num_ctx}, ...).
   *
   * @param key   option name as the server's API spells it
   * @param value option value
   * @return a new builder
   */
  public LlmProtocolBuilder option(String key, Object value) {
    return new LlmProtocolBuilder(wrapped.withOption(key, value));
  }

  /**
   * Default request options.
   *
   * @param options names and values
   * @return a new builder
   */
  public LlmProtocolBuilder options(Map<String, Object> options) {
    LlmProtocol next = wrapped;
    for (Map.Entry<String, Object> e : options.entrySet()) {
      next = next.withOption(e.getKey(), e.getValue());
    }
    return new LlmProtocolBuilder(next);
  }

  /**
   * The thinking asked of reasoning models by every action that does not say ({@link LlmActionBuilder#think}).
   *
   * @param think on, off, low, medium or high
   * @return a new builder
   */
  public LlmProtocolBuilder think(String think) {
    return new LlmProtocolBuilder(wrapped.withOption(io.llmgatling.engine.LlmRequest.THINK_OPTION,
        LlmActionBuilder.checkedThink(think)));
  }

  /**
   * Whether actions stream by default (default true).
   *
   * @param stream true to stream
   * @return a new builder
   */
  public LlmProtocolBuilder stream(boolean stream) {
    return new LlmProtocolBuilder(wrapped.withStream(stream));
  }

  /**
   * Default output cap per request.
   *
   * @param maxTokens the cap
   * @return a new builder
   */
  public LlmProtocolBuilder maxTokens(int maxTokens) {
    return new LlmProtocolBuilder(wrapped.withMaxTokens(maxTokens));
  }

  /**
   * Accepts self-signed or otherwise untrusted TLS certificates. Off by default; opt in only for a server you
   * run yourself.
   *
   * @return a new builder
   */
  public LlmProtocolBuilder insecureTls() {
    return new LlmProtocolBuilder(wrapped.withInsecureTls(true));
  }

  /**
   * Largest response body accepted (default 64 MiB); a larger one is a KO with cause {@code malformed}.
   *
   * @param bytes the limit
   * @return a new builder
   */
  public LlmProtocolBuilder maxResponseBytes(long bytes) {
    return new LlmProtocolBuilder(wrapped.withMaxResponseBytes(bytes));
  }

  /**
   * Puts the same text in front of every generating request's prompt (a system message for chats, merged into the
   * first system message when there is one; the start of a completion's prompt): a RAG or agent system prompt that
   * servers keep in their prompt cache ({@code llm.sharedPrefix}).
   *
   * @param text the shared prefix
   * @return a new builder
   */
  public LlmProtocolBuilder sharedPrefix(String text) {
    PromptShape shape = wrapped.promptShape();
    return new LlmProtocolBuilder(wrapped.withPromptShape(new PromptShape(text, shape.nonce())));
  }

  /**
   * Starts every generating request's prompt with a unique nonce, so that no prefix is served from the server's
   * prompt cache: cold measurements ({@code llm.nonce}).
   *
   * @return a new builder
   */
  public LlmProtocolBuilder nonce() {
    PromptShape shape = wrapped.promptShape();
    return new LlmProtocolBuilder(wrapped.withPromptShape(new PromptShape(shape.sharedPrefix(), true)));
  }

  @Override
  public Protocol protocol() {
    return wrapped;
  }
}
