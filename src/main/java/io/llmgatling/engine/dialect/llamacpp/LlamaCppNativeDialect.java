package io.llmgatling.engine.dialect.llamacpp;

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
import io.llmgatling.engine.dialect.ChunkReader;
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
 * llama-server's native {@code POST /completion} ({@code llamacpp-native}): a prompt string in, SSE {@code data:}
 * chunks out ({@code content} per token; the last one {@code stop: true} with {@code stop_type},
 * {@code tokens_evaluated}, {@code tokens_predicted} and {@code timings}: {@code prompt_ms}, {@code predicted_ms},
 * {@code cache_n}). No {@code event:} lines, no {@code [DONE]}.
 *
 * <p>The chat template is the client's to apply here: chat messages are rendered in ChatML
 * ({@code <|im_start|>role\ntext<|im_end|>\n} per message, then {@code <|im_start|>assistant\n}, with
 * {@code <|im_end|>} as a stop word), the format of Qwen and many other instruct models; a model trained on
 * another template still answers, with its own template's quality. Images go as {@code multimodal_data} with one
 * {@code <__media__>} marker each. No tools (use {@code /v1/chat/completions}, {@code llm.api=llamacpp}); no
 * reasoning field: a thinking model's {@code <think>…</think>} arrive as content, and this reader counts the text
 * from {@code <think>} to {@code </think>} (tags included) as reasoning, which needs state across chunks: one
 * reader per answer ({@link #readerFor}). Embeddings go to the OpenAI-compatible {@code /v1/embeddings}.
 * {@code stop_type} {@code limit} is read as finish reason {@code length}, {@code eos}/{@code word} as {@code stop}.
 * Pre-flight: {@code GET /props} (model path, build, slots).
 */
public final class LlamaCppNativeDialect implements Dialect {
  public static final LlamaCppNativeDialect INSTANCE = new LlamaCppNativeDialect();

  static final String THINK = "<think>";
  static final String END_THINK = "</think>";
  /** llama-server's default multimodal marker ({@code /props → media_marker}). */
  static final String MEDIA_MARKER = "<__media__>";
  private static final Dialect OPENAI = LlamaCppDialect.INSTANCE;

  private LlamaCppNativeDialect() {
  }

  @Override
  public String id() {
    return "llamacpp-native";
  }

  /**
   * A raw prompt has no think switch: {@code off} prefills an empty {@code <think>} block after the assistant turn
   * (Qwen3's and DeepSeek-R1's templates do the same for "no thinking"); other levels leave the model's default.
   */
  @Override
  public void think(ObjectNode body, String think, LlmRequest request) {
    if (!"off".equals(think) || request.operation() != Operation.CHAT) {
      return;
    }
    JsonNode prompt = body.get("prompt");
    if (prompt != null && prompt.isTextual()) {
      body.put("prompt", prompt.asText() + NO_THINK);
    } else if (prompt != null && prompt.isObject()) {
      ((ObjectNode) prompt).put("prompt_string", prompt.path("prompt_string").asText() + NO_THINK);
    }
  }

  /** What a chat template writes after the assistant turn when thinking is off. */
  public static final String NO_THINK = "<think>\n\n</think>\n\n";

  @Override
  public String path(LlmRequest request) {
    return request.operation() == Operation.EMBED ? OPENAI.path(request) : "/completion";
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    if (request.operation() == Operation.EMBED) {
      return OPENAI.body(request);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    List<byte[]> images = new ArrayList<>();
    String prompt = request.operation() == Operation.CHAT ? chatMl(request.messages(), images) : request.prompt();
    if (images.isEmpty()) {
      body.put("prompt", prompt);
    } else {
      ObjectNode multimodal = body.putObject("prompt");
      multimodal.put("prompt_string", prompt);
      ArrayNode data = multimodal.putArray("multimodal_data");
      images.forEach(image -> data.add(Base64.getEncoder().encodeToString(image)));
    }
    if (request.maxTokens() != null) {
      body.put("n_predict", request.maxTokens());
    }
    body.put("stream", request.stream());
    if (request.operation() == Operation.CHAT) {
      body.putArray("stop").add("<|im_end|>");
    }
    body.put("cache_prompt", true);
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      body.set(option.getKey(), Json.MAPPER.valueToTree(option.getValue()));
    }
    return body;
  }

  /** Messages in ChatML, ending with the assistant's open turn; an image becomes a media marker line. */
  static String chatMl(List<Message> messages, List<byte[]> images) {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      sb.append("<|im_start|>").append(m.role()).append('\n');
      for (Part part : m.parts()) {
        if (part instanceof Part.Text text) {
          sb.append(text.text());
        } else if (part instanceof Part.Image image) {
          sb.append(MEDIA_MARKER).append('\n');
          images.add(image.data());
        } else if (part instanceof Part.ToolCall call) {
          sb.append("<tool_call>\n{\"name\": ").append(Json.MAPPER.valueToTree(call.name()).toString())
              .append(", \"arguments\": ").append(call.argumentsJson()).append("}\n</tool_call>");
        } else if (part instanceof Part.ToolResult result) {
          sb.append(result.content());
        }
      }
      sb.append("<|im_end|>\n");
    }
    return sb.append("<|im_start|>assistant\n").toString();
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != Operation.EMBED ? WireFormat.SSE : WireFormat.JSON;
  }

  @Override
  public String endMarker(WireFormat format) {
    return "a final chunk with \"stop\": true";
  }

  /** One reader per answer: it remembers whether the text is inside {@code <think>}. */
  @Override
  public ChunkReader readerFor(LlmRequest request) {
    return request.operation() == Operation.EMBED ? OPENAI : new Answer();
  }

  // The dialect itself reads as a fresh answer would (tests, callers without readerFor).

  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    new Answer().readChunk(chunk, out);
  }

  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    new Answer().readBody(body, out);
  }

  /** llama-server's {@code stop_type} as the finish reasons the other APIs use. */
  static String finishReason(String stopType) {
    if (stopType == null || stopType.isEmpty() || "none".equals(stopType)) {
      return null;
    }
    return "limit".equals(stopType) ? "length" : "stop";
  }

  /** The reader of one answer. Not thread-safe: one answer, one event loop. */
  static final class Answer implements ChunkReader {
    private boolean inThink;

    @Override
    public void readChunk(JsonNode chunk, ChunkSink out) {
      if (JsonRead.readError(chunk, out, this)) {
        return;
      }
      if (chunk.has("embedding") || chunk.has("data")) {
        OPENAI.readChunk(chunk, out);
        return;
      }
      content(JsonRead.text(chunk.get("content")), out);
      if (chunk.path("stop").asBoolean(false)) {
        end(chunk, out);
      }
    }

    @Override
    public void readBody(JsonNode body, ChunkSink out) {
      if (JsonRead.readError(body, out, this)) {
        return;
      }
      if (body.has("data")) {
        OPENAI.readBody(body, out);
        return;
      }
      content(JsonRead.text(body.get("content")), out);
      end(body, out);
    }

    /**
     * A per-token chunk from its tokens: {@code index}, {@code content}, {@code tokens}, {@code stop: false},
     * {@code id_slot}, {@code tokens_predicted}, {@code tokens_evaluated}. Anything else (the last chunk, an error,
     * {@code prompt_progress}, a field this reader does not know) goes to the tree path.
     */
    @Override
    public boolean readChunkFast(JsonParser p, ChunkSink out) {
      String content = null;
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
            case "content" -> {
              bit = 1;
              content = JsonRead.stringOrNull(p, value);
            }
            case "stop" -> {
              bit = 2;
              if (value != JsonToken.VALUE_FALSE) {
                return false;
              }
            }
            case "index", "tokens", "id_slot", "tokens_predicted", "tokens_evaluated" -> {
              bit = 0;
              p.skipChildren();
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
      content(content, out);
      return true;
    }

    /** Splits a piece of content at the think tags: from {@code <think>} to {@code </think>} is reasoning. */
    void content(String piece, ChunkSink out) {
      String rest = piece;
      while (rest != null && !rest.isEmpty()) {
        if (inThink) {
          int close = rest.indexOf(END_THINK);
          if (close < 0) {
            out.reasoning(rest);
            return;
          }
          out.reasoning(rest.substring(0, close + END_THINK.length()));
          inThink = false;
          rest = rest.substring(close + END_THINK.length());
        } else {
          int open = rest.indexOf(THINK);
          if (open < 0) {
            out.token(rest);
            return;
          }
          out.token(rest.substring(0, open));
          inThink = true;
          rest = rest.substring(open);
          int close = rest.indexOf(END_THINK);
          if (close < 0) {
            out.reasoning(rest);
            return;
          }
          out.reasoning(rest.substring(0, close + END_THINK.length()));
          inThink = false;
          rest = rest.substring(close + END_THINK.length());
        }
      }
    }

    /** The final object: counts, cached prompt tokens, timings, the stop reason. */
    private static void end(JsonNode last, ChunkSink out) {
      JsonNode timings = last.path("timings");
      Integer cached = JsonRead.integer(timings.get("cache_n"));
      out.accept(new Chunk.Usage(JsonRead.integer(last.get("tokens_evaluated")),
          JsonRead.integer(last.get("tokens_predicted")), cached, null, false));
      if (timings.isObject()) {
        Double prompt = JsonRead.number(timings.get("prompt_ms"));
        Double predicted = JsonRead.number(timings.get("predicted_ms"));
        out.accept(new Chunk.ServerTimings(JsonRead.number(timings.get("queue_ms")), null, prompt, predicted, null,
            prompt != null && predicted != null ? prompt + predicted : null));
      }
      out.accept(new Chunk.Done(finishReason(JsonRead.text(last.get("stop_type")))));
    }
  }

  /**
   * {@code GET /props}: the model file (its name is the one model listed), the build ({@code build_info}) and the
   * slots ({@code total_slots}).
   */
  @Override
  public ServerInfo describeServer(ServerQuery server) {
    JsonNode props = server.get("/props");
    List<String> models = new ArrayList<>();
    String path = props.path("model_path").asText("");
    if (!path.isEmpty()) {
      models.add(path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1));
    }
    JsonNode slots = props.path("total_slots");
    String build = props.path("build_info").asText("");
    return new ServerInfo(build.isEmpty() ? null : build, models,
        slots.isInt() && slots.asInt() > 0 ? slots.asInt() : null);
  }

  /** llama-server serves whatever single model it loaded, under any name the client gives. */
  @Override
  public boolean servesModel(List<String> models, String wanted) {
    return !models.isEmpty() || Dialect.super.servesModel(models, wanted);
  }

  @Override
  public boolean sendsServerTimings() {
    return true;
  }
}
