package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Answers whose text is decided before the first token, in any API's request shape: a tool call (the request
 * offers tools, so the simulated model calls one) and a structured answer (the request carries a JSON schema, so
 * the text is a JSON document valid against it). Both are generated at the decode rate like any text, in pieces of
 * about one token.
 */
public final class ScriptedAnswers {

  private ScriptedAnswers() {
  }

  /** One offered tool: its name and the JSON schema of its parameters. */
  public record Tool(String name, JsonNode parameters) {
  }

  /**
   * The tools a request offers, whatever the API's shape: OpenAI and Ollama {@code {type: function, function:
   * {name, parameters}}}, Responses {@code {type: function, name, parameters}}, Anthropic {@code {name,
   * input_schema}}.
   */
  public static List<Tool> tools(JsonNode body) {
    List<Tool> tools = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      JsonNode function = tool.has("function") ? tool.get("function") : tool;
      String name = function.path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      JsonNode parameters = function.has("parameters") ? function.get("parameters") : function.path("input_schema");
      tools.add(new Tool(name, parameters.isObject() ? parameters : JsonNodeFactory.instance.objectNode()));
    }
    return tools;
  }

  /**
   * The call the simulated model makes, or null for a text answer: when the request offers tools, does not forbid
   * them ({@code tool_choice: "none"}) and the conversation does not end with a tool's result (then the model
   * answers the user with text). The model calls the first tool (a chosen one when {@code tool_choice} names
   * it), with arguments generated valid against its parameters, seeded by the request.
   *
   * @param seed the request's text seed
   */
  public static ToolCallPlan toolCall(JsonNode body, long seed) {
    List<Tool> tools = tools(body);
    JsonNode choice = body.path("tool_choice");
    if (tools.isEmpty() || "none".equals(choice.asText("")) || endsWithToolResult(body)) {
      return null;
    }
    String wanted = choice.path("function").path("name").asText(choice.path("name").asText(""));
    Tool tool = tools.stream().filter(t -> t.name().equals(wanted)).findFirst().orElse(tools.get(0));
    String arguments = SchemaValues.generate(tool.parameters(), seed, 0).toString();
    return new ToolCallPlan("call_" + Long.toHexString(seed & 0xFFFFFFFFFFFFL), tool.name(), arguments);
  }

  /**
   * Whether the conversation's last message is a tool's result: OpenAI and Ollama role {@code tool}, Anthropic a
   * user message of {@code tool_result} blocks, Responses a {@code function_call_output} input item.
   */
  public static boolean endsWithToolResult(JsonNode body) {
    JsonNode messages = body.path("messages");
    if (messages.isArray() && !messages.isEmpty()) {
      JsonNode last = messages.get(messages.size() - 1);
      if ("tool".equals(last.path("role").asText(""))) {
        return true;
      }
      for (JsonNode part : last.path("content")) {
        if ("tool_result".equals(part.path("type").asText(""))) {
          return true;
        }
      }
    }
    JsonNode input = body.path("input");
    return input.isArray() && !input.isEmpty()
        && "function_call_output".equals(input.get(input.size() - 1).path("type").asText(""));
  }

  /**
   * The JSON schema the request constrains its answer to, or null: OpenAI-compatible {@code response_format:
   * {type: json_schema, json_schema: {schema}}} (LM Studio, llama-server), {@code response_format: {type:
   * json_object}} and Ollama {@code format: "json"} (any object), Ollama {@code format: <schema>}, Responses
   * {@code text.format.schema}, Anthropic {@code output_format.schema}, llama-server {@code json_schema}.
   */
  public static JsonNode schema(JsonNode body) {
    JsonNode responseFormat = body.path("response_format");
    String type = responseFormat.path("type").asText("");
    if (type.equals("json_schema")) {
      JsonNode schema = responseFormat.path("json_schema").path("schema");
      return schema.isObject() ? schema : anyObject();
    }
    if (type.equals("json_object")) {
      return anyObject();
    }
    JsonNode format = body.path("format");
    if (format.isObject()) {
      return format;
    }
    if (format.isTextual() && format.asText().toLowerCase(Locale.ROOT).equals("json")) {
      return anyObject();
    }
    for (JsonNode schema : new JsonNode[] {body.path("text").path("format").path("schema"),
        body.path("output_format").path("schema"), body.path("json_schema")}) {
      if (schema.isObject()) {
        return schema;
      }
    }
    return null;
  }

  private static JsonNode anyObject() {
    return JsonNodeFactory.instance.objectNode().put("type", "object");
  }

  /**
   * A JSON document valid against {@code schema} of about {@code tokens} tokens (its free text stretched to fill
   * them; never shorter than the schema's smallest document).
   */
  public static String structuredText(JsonNode schema, long seed, int tokens, double charsPerToken) {
    int wanted = tokens * pieceSize(charsPerToken); // in pieces: no more than the tokens asked for
    String smallest = SchemaValues.generate(schema, seed, 0).toString();
    if (smallest.length() >= wanted) {
      return smallest;
    }
    int budget = wanted - smallest.length();
    for (int attempt = 0; attempt < 8 && budget > 0; attempt++) {
      String text = SchemaValues.generate(schema, seed, budget).toString();
      if (text.length() <= wanted) {
        return text;
      }
      // the last word of a string went past the budget: the same document (same structure), that much shorter
      budget -= text.length() - wanted;
    }
    return smallest;
  }

  private static int pieceSize(double charsPerToken) {
    return Math.max(1, (int) Math.round(charsPerToken));
  }

  /**
   * Text cut into pieces of about one token each ({@code charsPerToken} characters, at least one): the pieces a
   * scripted answer is generated in.
   */
  public static String[] pieces(String text, double charsPerToken) {
    int size = pieceSize(charsPerToken);
    String[] pieces = new String[(text.length() + size - 1) / size];
    for (int i = 0; i < pieces.length; i++) {
      pieces[i] = text.substring(i * size, Math.min(text.length(), (i + 1) * size));
    }
    return pieces;
  }
}
