package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Operation;
import io.llmgatling.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One server API, all in one place: its id ({@code llm.api}, records, summaries), its endpoints, the request body
 * (messages and their parts in the API's shape), how the answer is framed and read ({@link ChunkReader}: typed
 * chunks, tree or tokens), its error wording and how the pre-flight asks a server of this API about itself.
 * Adding an API is a package {@code engine.dialect.<api>} with one implementation, plus its line in
 * {@link Dialects}. Implementations are stateless singletons, thread-safe.
 */
public interface Dialect extends ChunkReader {

  /** The lower-case name used in properties ({@code llm.api}), the DSL, records and summaries. */
  String id();

  /** The request path below the base URL's own path, e.g. {@code /api/chat} or {@code /v1/completions}. */
  String path(LlmRequest request);

  /** The JSON body. */
  ObjectNode body(LlmRequest request);

  /** How the answer to this request is framed when the server's Content-Type does not say otherwise. */
  WireFormat responseFormat(LlmRequest request);

  /**
   * The headers this API's requests carry besides the common ones (host, content type, accept): the API key as
   * {@code Authorization: Bearer} by default, when there is one.
   */
  default void headers(String apiKey, BiConsumer<String, String> header) {
    if (apiKey != null && !apiKey.isEmpty()) {
      header.accept("Authorization", "Bearer " + apiKey);
    }
  }

  /**
   * The end marker a complete answer in this framing carries, named for the message of an answer that ended
   * without it.
   */
  default String endMarker(WireFormat format) {
    return format == WireFormat.NDJSON ? "\"done\": true" : "[DONE] or a finish_reason";
  }

  /**
   * The operation a task's operation becomes on this API: a plain completion is {@code /v1/completions}
   * ({@link Operation#COMPLETION}) unless the API has a generate endpoint of its own.
   */
  default Operation operationFor(Operation operation) {
    return operation == Operation.GENERATE ? Operation.COMPLETION : operation;
  }

  /**
   * Asks a server of this API, before the load, for its version, its models and (when it tells) its parallel
   * slots. A failing request throws through {@code server} with the pre-flight's one-line message.
   */
  ServerInfo describeServer(ServerQuery server);

  /**
   * The dialect a run speaks to this server, chosen once at the pre-flight, before {@link #describeServer}: itself,
   * unless the id names a family whose version the server decides ({@code lmstudio}: REST v1 when the server has
   * it, else v0). Must not fail: a server that cannot be asked gets this dialect, and the pre-flight then says why.
   */
  default Dialect choose(ServerQuery server) {
    return this;
  }

  /**
   * Whether a server listing {@code models} serves {@code wanted}: the same name (case-insensitive), or
   * {@code name:latest} for a name without a tag (Ollama's rule, also behind its OpenAI API).
   */
  default boolean servesModel(List<String> models, String wanted) {
    String w = wanted.toLowerCase(Locale.ROOT);
    for (String m : models) {
      String have = m.toLowerCase(Locale.ROOT);
      if (have.equals(w) || !w.contains(":") && have.equals(w + ":latest")) {
        return true;
      }
    }
    return false;
  }

  /** What the pre-flight tells a user whose model is missing, after the list of what the server has. */
  default String missingModelHint() {
    return "Set -Dllm.model=...";
  }

  /**
   * Words the request's think option ({@link LlmRequest#think}: on, off, low, medium, high) in this API's body,
   * e.g. Ollama {@code think}, OpenAI {@code reasoning_effort}, Anthropic {@code thinking}, Responses
   * {@code reasoning.effort}, LM Studio v1 {@code reasoning}. Called only when the workload sets one; the default
   * sends nothing (an API without a think option: the server's default applies).
   */
  default void think(ObjectNode body, String think, LlmRequest request) {
  }

  /**
   * The request options that offer {@code tools} on this API, the tools given in OpenAI's shape ({@code [{type:
   * function, function: {name, description, parameters}}]}): OpenAI-compatible servers and Ollama take them as they
   * are, in {@code tools}.
   */
  default Map<String, Object> toolOptions(JsonNode tools) {
    return Map.of("tools", tools);
  }

  /**
   * The request options that constrain the answer to a JSON {@code schema} on this API: OpenAI-compatible
   * {@code response_format: {type: json_schema, json_schema: {name, strict, schema}}} (LM Studio and llama-server
   * take the same).
   *
   * @param name the schema's name (letters, digits, {@code _} and {@code -})
   */
  default Map<String, Object> schemaOptions(String name, JsonNode schema) {
    ObjectNode format = Json.MAPPER.createObjectNode().put("type", "json_schema");
    format.putObject("json_schema").put("name", name).put("strict", true).set("schema", schema);
    return Map.of("response_format", format);
  }

  /**
   * The reader of one answer to {@code request}: this stateless dialect, unless the API's answers need state
   * across their chunks (llama-server's {@code /completion} streams a thinking model's {@code <think>} tags as plain
   * content: what follows one is reasoning until its {@code </think>}). Called once per request.
   */
  default ChunkReader readerFor(LlmRequest request) {
    return this;
  }

  /**
   * Whether this API's answers carry llama-server's {@code timings} object (prefill and decode times): the
   * embedded simulator then sends it.
   */
  default boolean sendsServerTimings() {
    return false;
  }
}
