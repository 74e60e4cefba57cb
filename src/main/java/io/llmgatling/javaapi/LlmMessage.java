package io.llmgatling.javaapi;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.internal.Expressions;
import io.llmgatling.engine.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One chat message of an action: a role, its text (resolved from the virtual user's session at send time) and
 * further parts (images, tool calls, tool results), each written in the API's own shape.
 *
 * <pre>{@code
 * user("What is on this picture?").withImage("image/png", bytes)
 * assistant("").withToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")
 * LlmMessage.toolResult("call_1", "{\"celsius\":21}")
 * }</pre>
 *
 * @param role    system, user, assistant or tool
 * @param content the text, a function of the session; null for a message without text
 * @param parts   parts after the text, each a function of the session
 */
public record LlmMessage(String role, Function<Session, String> content, List<Function<Session, Part>> parts) {

  public LlmMessage {
    parts = List.copyOf(parts);
  }

  /** A text message. */
  public LlmMessage(String role, Function<Session, String> content) {
    this(role, content, List.of());
  }

  static LlmMessage of(String role, String el) {
    return new LlmMessage(role, el(el));
  }

  /**
   * A tool's result sent back to the model (role {@code tool}).
   *
   * @param callId  the id of the tool call it answers
   * @param content the result, may contain Gatling EL
   * @return the message
   */
  public static LlmMessage toolResult(String callId, String content) {
    Function<Session, String> text = el(content);
    return new LlmMessage("tool", null, List.of(session -> new Part.ToolResult(callId, text.apply(session))));
  }

  /**
   * A tool's result sent back to the model (role {@code tool}), both computed from the session (e.g. the id a
   * {@code toolCallId().saveAs(...)} check saved; APIs without call ids take an empty one).
   *
   * @param callId  function of the session giving the id of the call it answers (null or empty: none)
   * @param content function of the session giving the result
   * @return the message
   */
  public static LlmMessage toolResult(Function<Session, String> callId, Function<Session, String> content) {
    return new LlmMessage("tool", null, List.of(session -> {
      String id = callId.apply(session);
      return new Part.ToolResult(id == null || id.isEmpty() ? null : id, content.apply(session));
    }));
  }

  /**
   * This message with an image after its text.
   *
   * @param mimeType e.g. {@code image/png}
   * @param data     the image's bytes
   * @return a new message
   */
  public LlmMessage withImage(String mimeType, byte[] data) {
    Part image = new Part.Image(mimeType, data.clone());
    return with(session -> image);
  }

  /**
   * This (assistant) message with a tool call it made, for a history sent back with the tool's result.
   *
   * @param id            the call's id
   * @param name          the function's name
   * @param argumentsJson the arguments, a JSON object as text
   * @return a new message
   */
  public LlmMessage withToolCall(String id, String name, String argumentsJson) {
    Part call = new Part.ToolCall(id, name, argumentsJson);
    return with(session -> call);
  }

  /**
   * This message with a part computed from the session.
   *
   * @param part function of the session
   * @return a new message
   */
  public LlmMessage with(Function<Session, Part> part) {
    List<Function<Session, Part>> all = new ArrayList<>(parts);
    all.add(part);
    return new LlmMessage(role, content, all);
  }

  /** The message's parts for one session: its text (unless empty and followed by other parts), then the rest. */
  List<Part> resolve(Session session) {
    List<Part> resolved = new ArrayList<>(parts.size() + 1);
    String text = content == null ? null : content.apply(session);
    if (text != null && (!text.isEmpty() || parts.isEmpty())) {
      resolved.add(new Part.Text(text));
    }
    for (Function<Session, Part> part : parts) {
      resolved.add(part.apply(session));
    }
    return resolved;
  }

  /** Compiles a Gatling EL string ({@code "#{name}"}) once into a function of the session. */
  static Function<Session, String> el(String el) {
    if (el == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    if (!el.contains("#{")) {
      return session -> el;
    }
    return Expressions.expressionToJavaFunction(Expressions.toStringExpression(el));
  }
}
