package io.llmgatling.engine;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One chat message: a role and its parts (text, images, tool calls, tool results). Each dialect writes the
 * parts in its API's shape.
 *
 * @param role  system, user, assistant or tool
 * @param parts at least one part
 */
public record Message(String role, List<Part> parts) {

  public Message {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a message needs at least one part");
    }
  }

  /** A text message. */
  public Message(String role, String text) {
    this(role, List.of(new Part.Text(text)));
  }

  public static Message system(String content) {
    return new Message("system", content);
  }

  public static Message user(String content) {
    return new Message("user", content);
  }

  /** A user message of several parts, e.g. text and an image. */
  public static Message user(Part... parts) {
    return new Message("user", List.of(parts));
  }

  public static Message assistant(String content) {
    return new Message("assistant", content);
  }

  /** An assistant message that calls tools (after optional text parts). */
  public static Message assistant(Part... parts) {
    return new Message("assistant", List.of(parts));
  }

  /** A tool's result, answering the call {@code callId}. */
  public static Message toolResult(String callId, String content) {
    return new Message("tool", List.of(new Part.ToolResult(callId, content)));
  }

  /** The text parts, joined: the message's text as a plain-text API takes it. */
  public String text() {
    return parts.stream().filter(Part.Text.class::isInstance).map(p -> ((Part.Text) p).text())
        .collect(Collectors.joining());
  }

  /** The parts of one kind. */
  public <T extends Part> List<T> parts(Class<T> kind) {
    return parts.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** Whether every part is text. */
  public boolean isText() {
    return parts.stream().allMatch(Part.Text.class::isInstance);
  }
}
