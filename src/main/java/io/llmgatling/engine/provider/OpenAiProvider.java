package io.llmgatling.engine.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.wire.Json;
import java.io.IOException;
import java.util.Map;

/**
 * Any OpenAI-compatible server: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}. Streams are SSE; {@code stream_options.include_usage} is requested so the
 * server's token count arrives in a last usage-only chunk. Subclasses change the path prefix and read
 * their server's extra timing objects.
 */
public class OpenAiProvider implements Provider {
  static final OpenAiProvider INSTANCE = new OpenAiProvider();

  OpenAiProvider() {
  }

  @Override
  public ApiFlavor flavor() {
    return ApiFlavor.OPENAI;
  }

  /** The path prefix of the API under the server root. */
  String prefix() {
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
    ObjectNode body = Provider.commonBody(request);
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

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != Operation.EMBED ? WireFormat.SSE : WireFormat.JSON;
  }

  @Override
  public void readStreamChunk(JsonNode chunk, ResponseAccumulator acc) {
    if (Provider.readError(chunk, acc)) {
      return;
    }
    JsonNode choice = chunk.path("choices").path(0);
    if (!choice.isMissingNode()) {
      JsonNode delta = choice.get("delta");
      if (delta != null) {
        acc.reasoning(OllamaProvider.text(delta.get("reasoning_content")));
        acc.reasoning(OllamaProvider.text(delta.get("reasoning")));
        acc.content(OllamaProvider.text(delta.get("content")));
      } else {
        acc.content(OllamaProvider.text(choice.get("text")));
      }
      String finish = OllamaProvider.text(choice.get("finish_reason"));
      if (finish != null && !finish.isEmpty()) {
        acc.finishReason(finish);
        acc.end();
      }
    }
    readUsage(chunk, acc);
    readExtras(chunk, acc);
  }

  /**
   * The per-token chunk read from its tokens: top-level {@code id}, {@code object}, {@code created},
   * {@code model}, {@code system_fingerprint}, a null {@code usage} and {@code choices}. Anything else at the
   * top (a usage object, an error, llama-server's {@code timings}, LM Studio's {@code stats}, a field this
   * reader does not know) goes to the tree path, so what the subclasses read there never needs reading here.
   */
  @Override
  public boolean readStreamChunkFast(JsonParser p, ResponseAccumulator acc) {
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
                          content = OllamaProvider.stringOrNull(p, deltaValue);
                        }
                        case "reasoning_content" -> {
                          deltaBit = 2;
                          reasoningContent = OllamaProvider.stringOrNull(p, deltaValue);
                        }
                        case "reasoning" -> {
                          deltaBit = 4;
                          reasoning = OllamaProvider.stringOrNull(p, deltaValue);
                        }
                        default -> {
                          deltaBit = 0;
                          p.skipChildren(); // role, tool_calls, refusal: not read by the tree path either
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
                    text = OllamaProvider.stringOrNull(p, fieldValue);
                  }
                  case "finish_reason" -> {
                    fieldBit = 4;
                    finish = OllamaProvider.stringOrNull(p, fieldValue);
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
      if (!OllamaProvider.endsWholeObject(p)) {
        return false;
      }
    } catch (IOException | OllamaProvider.NotFast e) {
      return false;
    }
    boolean hasChoice = (seen & 2) != 0 && !emptyChoices;
    // the same calls, in the same order, as readStreamChunk on the tree
    if (hasChoice) {
      if (hasDelta) {
        acc.reasoning(reasoningContent);
        acc.reasoning(reasoning);
        acc.content(content);
      } else {
        acc.content(text);
      }
      if (finish != null && !finish.isEmpty()) {
        acc.finishReason(finish);
        acc.end();
      }
    }
    return true;
  }

  @Override
  public void readSseEvent(io.llmgatling.engine.wire.SseEvent event, ResponseAccumulator acc,
      JsonNode parsedData) {
    if (event.isDone()) {
      acc.end();
      return;
    }
    Provider.super.readSseEvent(event, acc, parsedData);
  }

  @Override
  public void readBody(JsonNode body, ResponseAccumulator acc) {
    if (Provider.readError(body, acc)) {
      return;
    }
    JsonNode data = body.get("data");
    if (data != null && data.isArray()) {
      acc.embeddings(data.size(), data.size() == 0 ? 0 : data.get(0).path("embedding").size());
      acc.end();
      readUsage(body, acc);
      readExtras(body, acc);
      return;
    }
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.get("message");
    if (message != null) {
      acc.reasoning(OllamaProvider.text(message.get("reasoning_content")));
      acc.content(OllamaProvider.text(message.get("content")));
    } else {
      acc.content(OllamaProvider.text(choice.get("text")));
    }
    acc.finishReason(OllamaProvider.text(choice.get("finish_reason")));
    acc.end();
    readUsage(body, acc);
    readExtras(body, acc);
  }

  private static void readUsage(JsonNode node, ResponseAccumulator acc) {
    JsonNode usage = node.get("usage");
    if (usage != null && usage.isObject()) {
      acc.promptTokens(OllamaProvider.integer(usage.get("prompt_tokens")));
      acc.serverOutputTokens(OllamaProvider.integer(usage.get("completion_tokens")));
    }
  }

  /** Reads server-specific timing objects; plain OpenAI has none. */
  void readExtras(JsonNode node, ResponseAccumulator acc) {
  }
}
