package io.llmgatling.javaapi;

import io.llmgatling.engine.check.ResultCheck;

/**
 * A check on a successful answer. A failed check makes the request a KO with cause {@code check}.
 * Immutable: each method returns a new check.
 */
public final class LlmCheck {
  private final ResultCheck wrapped;

  LlmCheck(ResultCheck wrapped) {
    this.wrapped = wrapped;
  }

  /**
   * The value must equal {@code expected}.
   *
   * @param expected the expected value (numbers compare by value)
   * @return a new check
   */
  public LlmCheck is(Object expected) {
    return new LlmCheck(wrapped.withValidator(ResultCheck.equalTo(expected), "'" + expected + "'"));
  }

  /**
   * The value's text must contain {@code part}.
   *
   * @param part the expected substring
   * @return a new check
   */
  public LlmCheck contains(String part) {
    return new LlmCheck(wrapped.withValidator(ResultCheck.contains(part), "to contain '" + part + "'"));
  }

  /**
   * The value's text must match {@code regex} somewhere (DOTALL).
   *
   * @param regex a Java regular expression
   * @return a new check
   */
  public LlmCheck matches(String regex) {
    return new LlmCheck(wrapped.withValidator(ResultCheck.matches(regex), "to match /" + regex + "/"));
  }

  /**
   * The value must be present and not blank.
   *
   * @return a new check
   */
  public LlmCheck notEmpty() {
    return new LlmCheck(wrapped.withValidator(ResultCheck.notEmpty(), "a non-empty value"));
  }

  /**
   * The numeric value must be at least {@code min}.
   *
   * @param min lower bound, inclusive
   * @return a new check
   */
  public LlmCheck gte(long min) {
    return new LlmCheck(wrapped.withValidator(ResultCheck.atLeast(min), ">= " + min));
  }

  /**
   * The numeric value must be at most {@code max}.
   *
   * @param max upper bound, inclusive
   * @return a new check
   */
  public LlmCheck lte(long max) {
    return new LlmCheck(wrapped.withValidator(ResultCheck.atMost(max), "<= " + max));
  }

  /**
   * Saves the value into the session under {@code key} (after validation passed).
   *
   * @param key session attribute name
   * @return a new check
   */
  public LlmCheck saveAs(String key) {
    return new LlmCheck(wrapped.withSaveAs(key));
  }

  /**
   * The engine object behind this check.
   *
   * @return the wrapped check
   */
  public ResultCheck asEngine() {
    return wrapped;
  }
}
