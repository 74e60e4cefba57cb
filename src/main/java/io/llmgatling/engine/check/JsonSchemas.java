package io.llmgatling.engine.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Structured answers: the JSON schema a request constrains its answer to, and whether an answer is valid against
 * it (networknt's validator, draft 2020-12 unless the schema says otherwise). Thread-safe.
 */
public final class JsonSchemas {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  /** Compiled schemas: a prompt set holds a handful, compiled once each (bounded against a schema per request). */
  private static final Map<JsonNode, Schema> COMPILED = new ConcurrentHashMap<>();
  private static final int MAX_COMPILED = 256;
  private static final int MAX_ERRORS_SHOWN = 3;

  private JsonSchemas() {
  }

  /**
   * The schema the request asks the answer to follow, in any API's option: OpenAI-compatible {@code response_format:
   * {type: json_schema, json_schema: {schema}}}, Ollama {@code format: <schema>}, Responses
   * {@code text: {format: {schema}}}, Anthropic {@code output_format: {schema}}, llama-server {@code json_schema};
   * null when it asks for none (a bare {@code format: "json"} or {@code json_object} asks for JSON, not a schema).
   */
  public static JsonNode requested(LlmRequest request) {
    Map<String, Object> options = request.options();
    if (options.isEmpty()) {
      return null;
    }
    JsonNode schema = tree(options.get("response_format")).path("json_schema").path("schema");
    if (schema.isObject()) {
      return schema;
    }
    JsonNode format = tree(options.get("format"));
    if (format.isObject()) {
      return format;
    }
    for (JsonNode candidate : new JsonNode[] {tree(options.get("text")).path("format").path("schema"),
        tree(options.get("output_format")).path("schema"), tree(options.get("json_schema"))}) {
      if (candidate.isObject()) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Loads and runs the validator once, off the load path: its first use costs class loading and JIT (hundreds of ms
   * on a busy machine), which on a client event loop would delay every answer read there. Called when a
   * {@code jsonValid()} check is built, before the run starts.
   */
  public static void warmUp() {
    problem(Json.MAPPER.createObjectNode().put("type", "object"), "{}");
  }

  /**
   * Why {@code answer} is not a JSON document valid against {@code schema} (the parse error, or the first few
   * violations), or null when it is.
   */
  public static String problem(JsonNode schema, String answer) {
    JsonNode document;
    try {
      document = Json.MAPPER.readTree(answer == null ? "" : answer.strip());
    } catch (IOException e) {
      String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      return "not JSON: " + first;
    }
    if (document == null || document.isMissingNode()) {
      return "not JSON: empty answer";
    }
    List<Error> errors = compiled(schema).validate(document);
    if (errors.isEmpty()) {
      return null;
    }
    String shown = errors.stream().limit(MAX_ERRORS_SHOWN).map(Error::toString).collect(Collectors.joining("; "));
    return errors.size() > MAX_ERRORS_SHOWN ? shown + " (" + errors.size() + " violations)" : shown;
  }

  private static Schema compiled(JsonNode schema) {
    Schema known = COMPILED.get(schema);
    if (known != null) {
      return known;
    }
    if (COMPILED.size() >= MAX_COMPILED) {
      COMPILED.clear();
    }
    Schema compiled = REGISTRY.getSchema(schema);
    COMPILED.put(schema, compiled);
    return compiled;
  }

  private static JsonNode tree(Object value) {
    if (value == null) {
      return Json.MAPPER.missingNode();
    }
    return value instanceof JsonNode node ? node : Json.MAPPER.valueToTree(value);
  }
}
