package io.llmgatling.engine.check;

import io.llmgatling.engine.LlmResult;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A check on a successful answer: extracts one value, validates it, and may save it.
 * A failed check turns the request into a KO with cause {@code check}.
 *
 * @param what      name of the checked value, for the failure message (text, finishReason, ...)
 * @param extractor the value from the result
 * @param validator what the value must satisfy (null = always passes)
 * @param expected  human-readable description of the validator
 * @param saveAs    session key to save the value under, or null
 */
public record ResultCheck(String what, Function<LlmResult, Object> extractor, Predicate<Object> validator,
                          String expected, String saveAs) {

  public ResultCheck {
    Objects.requireNonNull(what);
    Objects.requireNonNull(extractor);
  }

  /** The failure message, or empty when the value passes. */
  public Optional<String> failure(Object value) {
    if (validator == null || validator.test(value)) {
      return Optional.empty();
    }
    return Optional.of(what + " check failed: expected " + expected + " but was " + abbreviate(value));
  }

  public ResultCheck withValidator(Predicate<Object> newValidator, String description) {
    Predicate<Object> combined = validator == null ? newValidator : validator.and(newValidator);
    String text = validator == null ? description : expected + " and " + description;
    return new ResultCheck(what, extractor, combined, text, saveAs);
  }

  public ResultCheck withSaveAs(String key) {
    return new ResultCheck(what, extractor, validator, expected, key);
  }

  // ---- ready-made extractors -------------------------------------------------------------

  public static ResultCheck text() {
    return new ResultCheck("text", LlmResult::text, null, null, null);
  }

  public static ResultCheck finishReason() {
    return new ResultCheck("finishReason", r -> r.record().finishReason(), null, null, null);
  }

  public static ResultCheck outputTokens() {
    return new ResultCheck("outputTokens", r -> r.record().outputTokens(), null, null, null);
  }

  public static ResultCheck embeddings() {
    return new ResultCheck("embeddings", LlmResult::embeddings, null, null, null);
  }

  public static ResultCheck dimensions() {
    return new ResultCheck("dimensions", LlmResult::dimensions, null, null, null);
  }

  /** The name of the answer's first tool call, null when it made none. */
  public static ResultCheck toolCallName() {
    return new ResultCheck("toolCallName", r -> r.toolCalls().isEmpty() ? null : r.toolCalls().get(0).name(), null,
        null, null);
  }

  /** The id of the answer's first tool call (the tool's result names it), null when none or the API gives none. */
  public static ResultCheck toolCallId() {
    return new ResultCheck("toolCallId", r -> r.toolCalls().isEmpty() ? null : r.toolCalls().get(0).id(), null,
        null, null);
  }

  /** The arguments (JSON text) of the answer's first tool call, null when it made none. */
  public static ResultCheck toolCallArguments() {
    return new ResultCheck("toolCallArguments",
        r -> r.toolCalls().isEmpty() ? null : r.toolCalls().get(0).argumentsJson(), null, null, null);
  }

  /**
   * The answer is a tool call of a tool the request offered, with arguments that parse as a JSON object; the value
   * checked is what is wrong (null when nothing is).
   */
  public static ResultCheck toolCall() {
    return new ResultCheck("toolCall", ToolCallProblems::of, Objects::isNull,
        "a call of an offered tool with JSON object arguments", null);
  }

  /**
   * The answer is JSON valid against the schema the request constrained it to; the value checked is why it is
   * not (null when it is).
   */
  public static ResultCheck jsonValid() {
    JsonSchemas.warmUp();
    return new ResultCheck("jsonValid", r -> r.record().jsonValid() == null
        ? "no verdict: the request asked for no JSON schema" : r.schemaError(), Objects::isNull,
        "JSON valid against the requested schema", null);
  }

  // ---- ready-made validators -------------------------------------------------------------

  public static Predicate<Object> equalTo(Object expected) {
    return v -> Objects.equals(normalize(v), normalize(expected));
  }

  public static Predicate<Object> contains(String part) {
    return v -> v != null && v.toString().contains(part);
  }

  public static Predicate<Object> matches(String regex) {
    Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
    return v -> v != null && pattern.matcher(v.toString()).find();
  }

  public static Predicate<Object> notEmpty() {
    return v -> v != null && !v.toString().isBlank();
  }

  public static Predicate<Object> atLeast(long min) {
    return v -> v instanceof Number n && n.longValue() >= min;
  }

  public static Predicate<Object> atMost(long max) {
    return v -> v instanceof Number n && n.longValue() <= max;
  }

  private static Object normalize(Object v) {
    return v instanceof Number n && !(v instanceof Double) && !(v instanceof Float) ? (Object) n.longValue() : v;
  }

  private static String abbreviate(Object value) {
    if (value == null) {
      return "null";
    }
    String s = value.toString().replace('\n', ' ');
    return s.length() > 80 ? '"' + s.substring(0, 77) + "...\"" : (value instanceof String ? '"' + s + '"' : s);
  }
}
