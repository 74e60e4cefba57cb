package io.llmgatling.engine.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Part;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** What is wrong with an answer that should be a tool call: no call, a tool not offered, arguments not JSON. */
final class ToolCallProblems {

  private ToolCallProblems() {
  }

  /** The first problem found, null when the answer calls offered tools with JSON object arguments. */
  static String of(LlmResult result) {
    if (result.toolCalls().isEmpty()) {
      String text = result.text().strip();
      return "no tool call" + (text.isEmpty() ? "" : " (answered with text)");
    }
    Set<String> offered = offeredNames(result);
    for (Part.ToolCall call : result.toolCalls()) {
      if (offered != null && !offered.contains(call.name())) {
        return "called '" + call.name() + "', not one of the offered tools " + offered;
      }
      try {
        JsonNode arguments = Json.MAPPER.readTree(call.argumentsJson());
        if (arguments == null || !arguments.isObject()) {
          return "arguments of '" + call.name() + "' are not a JSON object: " + call.argumentsJson();
        }
      } catch (IOException e) {
        return "arguments of '" + call.name() + "' do not parse: " + call.argumentsJson();
      }
    }
    return null;
  }

  /** The names of the tools the request offered (OpenAI, Responses or Anthropic shape); null when unknown. */
  private static Set<String> offeredNames(LlmResult result) {
    if (result.request() == null) {
      return null;
    }
    Object tools = result.request().options().get("tools");
    if (tools == null) {
      return null;
    }
    JsonNode array = tools instanceof JsonNode node ? node : Json.MAPPER.valueToTree(tools);
    Set<String> names = new HashSet<>();
    for (JsonNode tool : array) {
      JsonNode function = tool.has("function") ? tool.get("function") : tool;
      String name = function.path("name").asText("");
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }
}
