package io.llmgatling.engine;

import java.util.Arrays;
import java.util.Objects;

/** One part of a chat message: text, an image, a tool call the assistant made, or a tool's result. */
public sealed interface Part permits Part.Text, Part.Image, Part.ToolCall, Part.ToolResult {

  /** Text. */
  record Text(String text) implements Part {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image, sent inline (each API's shape: Ollama base64 in {@code images}, OpenAI a data URL).
   *
   * @param mimeType e.g. {@code image/png}
   * @param data     the image's bytes (not copied: do not change them after)
   */
  record Image(String mimeType, byte[] data) implements Part {
    public Image {
      Objects.requireNonNull(mimeType, "mimeType");
      Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Image other && mimeType.equals(other.mimeType) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return 31 * mimeType.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Image[" + mimeType + ", " + data.length + " bytes]";
    }
  }

  /**
   * A call of a tool by the assistant (in the history sent back with the tool's result).
   *
   * @param id            the call's id (OpenAI's {@code tool_call_id} links the result to it)
   * @param name          the function's name
   * @param argumentsJson the arguments, a JSON object as text
   */
  record ToolCall(String id, String name, String argumentsJson) implements Part {
    public ToolCall {
      Objects.requireNonNull(name, "name");
      argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    }
  }

  /**
   * A tool's result, sent back to the model in a {@code tool} message.
   *
   * @param callId  the id of the call it answers
   * @param content the result, as text
   */
  record ToolResult(String callId, String content) implements Part {
    public ToolResult {
      Objects.requireNonNull(content, "content");
    }
  }
}
