package io.llmgatling.engine.gatling;

import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.PromptShape;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import scala.Function1;

/**
 * The LLM protocol as Gatling's core sees it: immutable settings shared by every LLM action of a scenario.
 * Built through {@code io.llmgatling.javaapi.LlmProtocolBuilder}.
 */
public final class LlmProtocol implements Protocol {

  /** Gatling's handle to create one {@link LlmComponents} per simulation. */
  public static final ProtocolKey<LlmProtocol, LlmComponents> KEY = new ProtocolKey<>() {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<Protocol> protocolClass() {
      return (Class) LlmProtocol.class;
    }

    @Override
    public LlmProtocol defaultProtocolValue(GatlingConfiguration configuration) {
      return DEFAULT;
    }

    @Override
    public Function1<LlmProtocol, LlmComponents> newComponents(CoreComponents coreComponents) {
      return protocol -> new LlmComponents(protocol, coreComponents);
    }
  };

  /** Ollama on its default port, no key, the server's default options. */
  public static final LlmProtocol DEFAULT = new LlmProtocol(BaseUrl.parse("http://localhost:11434"), Dialects.byId("ollama"),
      null, List.of(), Timeouts.DEFAULT, Map.of(), null, null, false, 64L << 20, PromptShape.NONE);

  private final BaseUrl baseUrl;
  private final Dialect api;
  private final String apiKey;
  private final List<String> models;
  private final Timeouts timeouts;
  private final Map<String, Object> options;
  private final Boolean stream;
  private final Integer maxTokens;
  private final boolean insecureTls;
  private final long maxResponseBytes;
  private final PromptShape promptShape;

  private LlmProtocol(BaseUrl baseUrl, Dialect api, String apiKey, List<String> models, Timeouts timeouts,
                      Map<String, Object> options, Boolean stream, Integer maxTokens, boolean insecureTls,
                      long maxResponseBytes, PromptShape promptShape) {
    this.baseUrl = baseUrl;
    this.api = api;
    this.apiKey = apiKey;
    this.models = List.copyOf(models);
    this.timeouts = timeouts;
    this.options = Map.copyOf(options);
    this.stream = stream;
    this.maxTokens = maxTokens;
    this.insecureTls = insecureTls;
    this.maxResponseBytes = maxResponseBytes;
    this.promptShape = promptShape;
  }

  /** The server root; its {@code toString()} masks credentials, {@link BaseUrl#uri()} is the real one. */
  public BaseUrl baseUrl() {
    return baseUrl;
  }

  public Dialect api() {
    return api;
  }

  public String apiKey() {
    return apiKey;
  }

  public List<String> models() {
    return models;
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  public Map<String, Object> options() {
    return options;
  }

  /** Default for actions that don't say; null = streamed. */
  public Boolean stream() {
    return stream;
  }

  public Integer maxTokens() {
    return maxTokens;
  }

  public boolean insecureTls() {
    return insecureTls;
  }

  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  public LlmProtocol withBaseUrl(BaseUrl value) {
    return new LlmProtocol(value, api, apiKey, models, timeouts, options, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withApi(Dialect value) {
    return new LlmProtocol(baseUrl, value, apiKey, models, timeouts, options, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withApiKey(String value) {
    return new LlmProtocol(baseUrl, api, value, models, timeouts, options, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withModels(List<String> value) {
    return new LlmProtocol(baseUrl, api, apiKey, value, timeouts, options, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withTimeouts(Timeouts value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, value, options, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withConnectTimeout(Duration value) {
    return withTimeouts(new Timeouts(value, timeouts.firstToken(), timeouts.idle(), timeouts.total()));
  }

  public LlmProtocol withFirstTokenTimeout(Duration value) {
    return withTimeouts(new Timeouts(timeouts.connect(), value, timeouts.idle(), timeouts.total()));
  }

  public LlmProtocol withIdleTimeout(Duration value) {
    return withTimeouts(new Timeouts(timeouts.connect(), timeouts.firstToken(), value, timeouts.total()));
  }

  public LlmProtocol withTotalTimeout(Duration value) {
    return withTimeouts(new Timeouts(timeouts.connect(), timeouts.firstToken(), timeouts.idle(), value));
  }

  public LlmProtocol withOption(String key, Object value) {
    Map<String, Object> merged = new LinkedHashMap<>(options);
    merged.put(key, value);
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, merged, stream, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withStream(Boolean value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, options, value, maxTokens, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withMaxTokens(Integer value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, options, stream, value, insecureTls,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withInsecureTls(boolean value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, options, stream, maxTokens, value,
        maxResponseBytes, promptShape);
  }

  public LlmProtocol withMaxResponseBytes(long value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, options, stream, maxTokens, insecureTls, value,
        promptShape);
  }

  /** What every generating request's prompt gets in front (shared prefix, nonce); {@link PromptShape#NONE} by default. */
  public PromptShape promptShape() {
    return promptShape;
  }

  public LlmProtocol withPromptShape(PromptShape value) {
    return new LlmProtocol(baseUrl, api, apiKey, models, timeouts, options, stream, maxTokens, insecureTls,
        maxResponseBytes, value);
  }

  @Override
  public String toString() {
    return "LlmProtocol[baseUrl=" + baseUrl + ", api=" + api.id() + ", models=" + models
        + (apiKey == null ? "" : ", apiKey=***") + "]";
  }
}
