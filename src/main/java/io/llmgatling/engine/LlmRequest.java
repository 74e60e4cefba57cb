package io.llmgatling.engine;

import io.llmgatling.engine.dialect.Dialect;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One fully resolved request (no Gatling expressions left).
 *
 * @param task      task name written into the record
 * @param api       wire API (its dialect)
 * @param operation chat | generate | completion | embed
 * @param baseUrl   server root as its docs give it, e.g. http://localhost:11434 (OpenAI paths go under /v1)
 * @param apiKey    bearer token or null; never written anywhere
 * @param model     model name
 * @param messages  chat messages (CHAT), else empty
 * @param prompt    prompt text (GENERATE / COMPLETION), else null
 * @param input     texts to embed (EMBED), else empty
 * @param stream    stream the answer (ignored for EMBED)
 * @param maxTokens output cap or null for the server's default
 * @param options   extra options merged into the body (ollama: into "options"; others: top level)
 * @param timeouts  client-side limits
 * @param think     the thinking asked of a reasoning model: {@code on}, {@code off}, {@code low}, {@code medium},
 *                  {@code high}; null = the server's default. Each API words it its own way ({@link Dialect#think})
 */
public record LlmRequest(
    String task,
    Dialect api,
    Operation operation,
    URI baseUrl,
    String apiKey,
    String model,
    List<Message> messages,
    String prompt,
    List<String> input,
    boolean stream,
    Integer maxTokens,
    Map<String, Object> options,
    Timeouts timeouts,
    String think) {

  /**
   * The request option that carries {@link #think} through the DSL's and the workload's options (a name no server
   * takes): taken out of the options when the request is resolved.
   */
  public static final String THINK_OPTION = "llm.think";
  /** The values of {@link #think}. */
  public static final List<String> THINK_VALUES = List.of("on", "off", "low", "medium", "high");

  /** A request that leaves thinking to the server's default. */
  public LlmRequest(String task, Dialect api, Operation operation, URI baseUrl, String apiKey, String model,
      List<Message> messages, String prompt, List<String> input, boolean stream, Integer maxTokens,
      Map<String, Object> options, Timeouts timeouts) {
    this(task, api, operation, baseUrl, apiKey, model, messages, prompt, input, stream, maxTokens, options, timeouts,
        null);
  }

  public LlmRequest {
    messages = messages == null ? List.of() : List.copyOf(messages);
    input = input == null ? List.of() : List.copyOf(input);
    options = options == null ? Map.of() : Map.copyOf(options);
    timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
  }

  @Override
  public String toString() {
    // the API key and credentials in the base URL must never reach a log line
    return "LlmRequest[task=" + task + ", api=" + api.id() + ", operation=" + operation.id() + ", baseUrl="
        + BaseUrl.mask(baseUrl) + ", model=" + model + ", stream=" + stream + ", maxTokens=" + maxTokens
        + (apiKey == null ? "" : ", apiKey=***") + "]";
  }
}
