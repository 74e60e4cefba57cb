package io.llmgatling.javaapi;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.internal.Expressions;
import java.util.function.Function;

/**
 * One chat message of an action; its content is resolved from the virtual user's session at send time.
 *
 * @param role    system, user or assistant
 * @param content function of the session
 */
public record LlmMessage(String role, Function<Session, String> content) {

  static LlmMessage of(String role, String el) {
    return new LlmMessage(role, el(el));
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
