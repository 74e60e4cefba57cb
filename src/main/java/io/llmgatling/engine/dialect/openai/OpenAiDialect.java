package io.llmgatling.engine.dialect.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Any OpenAI-compatible server: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}. Streams are SSE; {@code stream_options.include_usage} is requested so the
 * server's token count arrives in a last usage-only chunk. Messages with images send content parts
 * ({@code image_url} with a data URL), tool calls {@code tool_calls} (arguments as JSON text), tool results role
 * {@code tool} with {@code tool_call_id}. Pre-flight: {@code GET /v1/models}. Servers that speak this API with
 * extras (LM Studio's path and {@code stats}, llama-server's {@code timings}) extend it through {@link #prefix()}
 * and {@link #readExtras}.
 */
public class OpenAiDialect implements Dialect {
  public static final OpenAiDialect INSTANCE = new OpenAiDialect();

  protected OpenAiDialect() {
  }

  @Override
  public String id() {
    return "openai";
  }

  /** The path prefix of the API under the server root. */
  protected String prefix() {
    return "/v1";
  }

  @Override
  public String path(LlmRequest request) {
    String basePath = request.baseUrl() == null ? "" : request.baseUrl().getPath();
    // "http://host:8000/v1" is a common way to give an OpenAI base URL: do not repeat the prefix
    String prefix = basePath != null && stripSlash(basePath).endsWith(prefix()) ? "" : prefix();
    return prefix + switch (request.operation()) {
      case CHAT -> "/chat/completions";
      case GENERATE, COMPLETION -> "/completions";
      case EMBED -> "/embeddings";
    };
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    switch (request.operation()) {
      case CHAT -> {
        ArrayNode messages = body.putArray("messages");
        for (Message m : request.messages()) {
          writeMessage(messages, m);
        }
      }
      case GENERATE, COMPLETION -> body.put("prompt", request.prompt());
      case EMBED -> {
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
      }
      default -> throw new IllegalStateException("unknown operation " + request.operation());
    }
    if (request.operation() == Operation.EMBED) {
      body.put("encoding_format", "float");
    }
    if (request.operation() != Operation.EMBED) {
      body.put("stream", request.stream());
      if (request.stream()) {
        body.putObject("stream_options").put("include_usage", true);
      }
      if (request.maxTokens() != null) {
        body.put("max_tokens", request.maxTokens());
      }
    }
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      body.set(option.getKey(), Json.MAPPER.valueToTree(option.getValue()));
    }
    return body;
  }

  /**
   * One message in OpenAI's shape: text alone as a string {@code content}; with images, content parts ({@code text},
   * {@code image_url} with a data URL) in order; tool calls in {@code tool_calls} (content null when there is no
   * text); each tool result its own {@code tool} message with {@code tool_call_id}.
   */
  protected static void writeMessage(ArrayNode messages, Message m) {
    List<Part.ToolResult> results = m.parts(Part.ToolResult.class);
    for (Part.ToolResult result : results) {
      ObjectNode tool = messages.addObject().put("role", "tool");
      if (result.callId() != null) {
        tool.put("tool_call_id", result.callId());
      }
      tool.put("content", result.content());
    }
    if (!results.isEmpty() && results.size() == m.parts().size()) {
      return;
    }
    ObjectNode out = messages.addObject().put("role", m.role());
    if (m.parts(Part.Image.class).isEmpty()) {
      if (m.parts(Part.Text.class).isEmpty()) {
        out.putNull("content");
      } else {
        out.put("content", m.text());
      }
    } else {
      ArrayNode content = out.putArray("content");
      for (Part part : m.parts()) {
        if (part instanceof Part.Text text) {
          content.addObject().put("type", "text").put("text", text.text());
        } else if (part instanceof Part.Image image) {
          content.addObject().put("type", "image_url").putObject("image_url").put("url",
              "data:" + image.mimeType() + ";base64," + Base64.getEncoder().encodeToString(image.data()));
        }
      }
    }
    List<Part.ToolCall> calls = m.parts(Part.ToolCall.class);
    if (!calls.isEmpty()) {
      ArrayNode array = out.putArray("tool_calls");
      for (Part.ToolCall call : calls) {
        ObjectNode entry = array.addObject();
        if (call.id() != null) {
          entry.put("id", call.id());
        }
        entry.put("type", "function").putObject("function").put("name", call.name())
            .put("arguments", call.argumentsJson());
      }
    }
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != Operation.EMBED ? WireFormat.SSE : WireFormat.JSON;
  }

  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    if (JsonRead.readError(chunk, out, this)) {
      return;
    }
    JsonNode choice = chunk.path("choices").path(0);
    if (!choice.isMissingNode()) {
      JsonNode delta = choice.get("delta");
      if (delta != null) {
        choice(out, true, JsonRead.text(delta.get("reasoning_content")), JsonRead.text(delta.get("reasoning")),
            JsonRead.text(delta.get("content")), null, null);
        toolCalls(delta.get("tool_calls"), out);
      } else {
        choice(out, false, null, null, null, JsonRead.text(choice.get("text")), null);
      }
      String finish = JsonRead.text(choice.get("finish_reason"));
      if (finish != null && !finish.isEmpty()) {
        out.accept(new Chunk.Done(finish));
      }
    }
    readUsage(chunk, out);
    readExtras(chunk, out);
  }

  /** A choice's text and end, as both paths read them. */
  private static void choice(ChunkSink out, boolean hasDelta, String reasoningContent, String reasoning,
      String content, String text, String finish) {
    if (hasDelta) {
      out.reasoning(reasoningContent);
      out.reasoning(reasoning);
      out.token(content);
    } else {
      out.token(text);
    }
    if (finish != null && !finish.isEmpty()) {
      out.accept(new Chunk.Done(finish));
    }
  }

  /** Streamed tool calls: pieces keyed by index, the name in the first, the arguments' text in pieces. */
  private static void toolCalls(JsonNode calls, ChunkSink out) {
    if (calls == null || !calls.isArray()) {
      return;
    }
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      JsonNode function = call.path("function");
      out.accept(new Chunk.ToolCallDelta(call.path("index").asInt(i), JsonRead.text(call.get("id")),
          JsonRead.text(function.get("name")), JsonRead.text(function.get("arguments"))));
    }
  }

  /**
   * The per-token chunk read from its tokens: top-level {@code id}, {@code object}, {@code created},
   * {@code model}, {@code system_fingerprint}, a null {@code usage} and {@code choices}. Anything else at the
   * top (a usage object, an error, llama-server's {@code timings}, LM Studio's {@code stats}, a field this
   * reader does not know) and tool calls go to the tree path, so what the subclasses read there never needs
   * reading here.
   */
  @Override
  public boolean readChunkFast(JsonParser p, ChunkSink out) {
    boolean hasDelta = false;
    boolean emptyChoices = false;
    String reasoningContent = null;
    String reasoning = null;
    String content = null;
    String text = null;
    String finish = null;
    int seen = 0;
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        int bit;
        switch (name) {
          case "id", "object", "created", "model", "system_fingerprint" -> {
            bit = 0;
            p.skipChildren();
          }
          case "usage" -> {
            bit = 1;
            if (value != JsonToken.VALUE_NULL) {
              return false;
            }
          }
          case "choices" -> {
            bit = 2;
            if (value != JsonToken.START_ARRAY) {
              return false;
            }
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
              int seenInChoice = 0;
              String field;
              while ((field = p.nextFieldName()) != null) {
                JsonToken fieldValue = p.nextToken();
                int fieldBit;
                switch (field) {
                  case "delta" -> {
                    fieldBit = 1;
                    if (fieldValue != JsonToken.START_OBJECT) {
                      return false;
                    }
                    hasDelta = true;
                    int seenInDelta = 0;
                    String deltaField;
                    while ((deltaField = p.nextFieldName()) != null) {
                      JsonToken deltaValue = p.nextToken();
                      int deltaBit;
                      switch (deltaField) {
                        case "content" -> {
                          deltaBit = 1;
                          content = JsonRead.stringOrNull(p, deltaValue);
                        }
                        case "reasoning_content" -> {
                          deltaBit = 2;
                          reasoningContent = JsonRead.stringOrNull(p, deltaValue);
                        }
                        case "reasoning" -> {
                          deltaBit = 4;
                          reasoning = JsonRead.stringOrNull(p, deltaValue);
                        }
                        case "tool_calls" -> {
                          if (deltaValue != JsonToken.VALUE_NULL) {
                            return false; // the tree path reads them
                          }
                          deltaBit = 8;
                        }
                        default -> {
                          deltaBit = 0;
                          p.skipChildren(); // role, refusal: not read by the tree path either
                        }
                      }
                      if ((seenInDelta & deltaBit) != 0) {
                        return false;
                      }
                      seenInDelta |= deltaBit;
                    }
                    if (p.currentToken() != JsonToken.END_OBJECT) {
                      return false;
                    }
                  }
                  case "text" -> {
                    fieldBit = 2;
                    text = JsonRead.stringOrNull(p, fieldValue);
                  }
                  case "finish_reason" -> {
                    fieldBit = 4;
                    finish = JsonRead.stringOrNull(p, fieldValue);
                  }
                  default -> {
                    fieldBit = 0;
                    p.skipChildren(); // index, logprobs, a server's extras
                  }
                }
                if ((seenInChoice & fieldBit) != 0) {
                  return false;
                }
                seenInChoice |= fieldBit;
              }
              if (p.currentToken() != JsonToken.END_OBJECT) {
                return false;
              }
              // the tree path reads choices[0] only
              JsonToken next;
              while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                if (next == null || next == JsonToken.NOT_AVAILABLE) {
                  return false;
                }
                p.skipChildren();
              }
            } else if (first == JsonToken.END_ARRAY) {
              emptyChoices = true; // the usage-only last chunk of include_usage has none
            } else {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
        if ((seen & bit) != 0) {
          return false;
        }
        seen |= bit;
      }
      if (!JsonRead.endsWholeObject(p)) {
        return false;
      }
    } catch (IOException | JsonRead.NotFast e) {
      return false;
    }
    boolean hasChoice = (seen & 2) != 0 && !emptyChoices;
    // what readChunk puts for the same chunk's tree
    if (hasChoice) {
      choice(out, hasDelta, reasoningContent, reasoning, content, text, finish);
    }
    return true;
  }

  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    if (JsonRead.readError(body, out, this)) {
      return;
    }
    JsonNode data = body.get("data");
    if (data != null && data.isArray()) {
      out.accept(new Chunk.Embeddings(data.size(), data.size() == 0 ? 0 : data.get(0).path("embedding").size()));
      out.accept(new Chunk.Done(null));
      readUsage(body, out);
      readExtras(body, out);
      return;
    }
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.get("message");
    if (message != null) {
      out.reasoning(JsonRead.text(message.get("reasoning_content")));
      out.token(JsonRead.text(message.get("content")));
      toolCalls(message.get("tool_calls"), out);
    } else {
      out.token(JsonRead.text(choice.get("text")));
    }
    out.accept(new Chunk.Done(JsonRead.text(choice.get("finish_reason"))));
    readUsage(body, out);
    readExtras(body, out);
  }

  private static void readUsage(JsonNode node, ChunkSink out) {
    JsonNode usage = node.get("usage");
    if (usage != null && usage.isObject()) {
      // prompt_tokens is the whole prompt, the cached part included (OpenAI, llama-server's n_prompt_tokens)
      out.accept(new Chunk.Usage(JsonRead.integer(usage.get("prompt_tokens")),
          JsonRead.integer(usage.get("completion_tokens")),
          JsonRead.integer(usage.path("prompt_tokens_details").get("cached_tokens")), null, false));
    }
  }

  /** Reads a server's own timing objects; plain OpenAI has none. */
  protected void readExtras(JsonNode node, ChunkSink out) {
  }

  @Override
  public ServerInfo describeServer(ServerQuery server) {
    List<String> models = new ArrayList<>();
    for (JsonNode m : server.get(prefix() + "/models").path("data")) {
      String name = m.path("id").asText("");
      if (!name.isEmpty()) {
        models.add(name);
      }
    }
    return new ServerInfo(null, models, null);
  }
}
