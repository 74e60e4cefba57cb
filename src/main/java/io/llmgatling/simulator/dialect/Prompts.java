package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.PerformanceModel;

/**
 * What a prompt costs to prefill, from the parts of its messages: text, images, tool calls and tool results,
 * and the tool definitions the request offers. Each dialect says where the parts are in its body; the
 * charging is the same for all.
 */
public final class Prompts {
  /**
   * Tokens charged per image, from its encoded size: a vision encoder turns an image into a fixed grid of
   * patches whatever its bytes, but a larger image is resized to more tiles. One token per 1 KiB of encoded
   * image, between 64 and 1,600 (a 336x336 CLIP image is 576 tokens, LLaVA-1.6's largest tiling 2,880).
   */
  static final int MIN_IMAGE_TOKENS = 64;
  static final int MAX_IMAGE_TOKENS = 1600;

  private Prompts() {
  }

  /** Text of a content field: a string, or OpenAI's array of parts (their text; other parts add none). */
  public static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        sb.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
      }
      return sb.toString();
    }
    return content.isMissingNode() || content.isNull() ? "" : content.toString();
  }

  public static int textTokens(CharSequence text, double charsPerToken) {
    return PerformanceModel.estimateTokens(text, charsPerToken);
  }

  /** The chat template's tokens around {@code messages} messages ({@code messageTokens} each, rounded). */
  public static int templateTokens(int messages, double messageTokens) {
    return (int) Math.round(messages * messageTokens);
  }

  /** An image of {@code encodedBytes} (base64 characters count as 3/4 of a byte each). */
  public static int imageTokens(long encodedBytes) {
    return (int) Math.max(MIN_IMAGE_TOKENS, Math.min(MAX_IMAGE_TOKENS, encodedBytes / 1024));
  }

  /**
   * One chat message: its text parts, image parts ({@code image_url} parts; Ollama's {@code images}), tool
   * calls (their names and arguments as written) and a tool result's content.
   */
  public static int messageTokens(JsonNode message, double charsPerToken) {
    int tokens = textTokens(contentText(message.path("content")), charsPerToken);
    JsonNode content = message.path("content");
    if (content.isArray()) {
      for (JsonNode part : content) {
        String type = part.path("type").asText("");
        if (type.equals("image_url") || type.equals("input_image") || type.equals("image")) {
          JsonNode url = part.path("image_url");
          String data = url.isTextual() ? url.asText() : url.path("url").asText(part.path("source").path("data")
              .asText(""));
          tokens += imageTokens(base64Bytes(data));
        }
      }
    }
    for (JsonNode image : message.path("images")) {
      tokens += imageTokens(base64Bytes(image.asText("")));
    }
    JsonNode calls = message.path("tool_calls");
    if (calls.isArray() && !calls.isEmpty()) {
      tokens += textTokens(calls.toString(), charsPerToken);
    }
    return tokens;
  }

  /** The tool definitions a request offers: the template writes them into the prompt. */
  public static int toolTokens(JsonNode tools, double charsPerToken) {
    return tools.isArray() && !tools.isEmpty() ? textTokens(tools.toString(), charsPerToken) : 0;
  }

  private static long base64Bytes(String data) {
    int comma = data.startsWith("data:") ? data.indexOf(',') : -1;
    return (data.length() - (comma + 1)) * 3L / 4;
  }
}
