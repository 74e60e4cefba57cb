package io.llmgatling.javaapi;

import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.check.ResultCheck;
import io.llmgatling.engine.gatling.LlmAction;
import io.llmgatling.engine.gatling.LlmProtocol;
import java.util.function.Function;

/**
 * The entry point of the LLM DSL, in the spirit of Gatling's {@code HttpDsl}: import its static members.
 *
 * <pre>{@code
 * import static io.gatling.javaapi.core.CoreDsl.*;
 * import static io.llmgatling.javaapi.LlmDsl.*;
 *
 * LlmProtocolBuilder protocol = llm.baseUrl("http://localhost:11434").ollama().model("llama3.2");
 * ScenarioBuilder chat = scenario("chat").exec(
 *     llm("chat").chat().system("You are terse.").user("#{question}").maxTokens(128)
 *         .check(text().notEmpty(), finishReason().is("stop")));
 * }</pre>
 */
public final class LlmDsl {

  /** The protocol builder with defaults (Ollama at http://localhost:11434, streaming). */
  public static final LlmProtocolBuilder llm = new LlmProtocolBuilder(LlmProtocol.DEFAULT);

  private LlmDsl() {
  }

  /**
   * Starts an LLM request.
   *
   * @param name the request name shown in Gatling's report and used as the task name in records
   * @return a builder to choose the operation: chat, generate, completion or embed
   */
  public static Llm llm(String name) {
    return new Llm(name);
  }

  /**
   * A system message.
   *
   * @param content text, may contain Gatling EL such as {@code #{topic}}
   * @return the message
   */
  public static LlmMessage system(String content) {
    return LlmMessage.of("system", content);
  }

  /**
   * A user message.
   *
   * @param content text, may contain Gatling EL
   * @return the message
   */
  public static LlmMessage user(String content) {
    return LlmMessage.of("user", content);
  }

  /**
   * A user message computed from the session.
   *
   * @param content function of the virtual user's session
   * @return the message
   */
  public static LlmMessage user(Function<Session, String> content) {
    return new LlmMessage("user", content);
  }

  /**
   * An assistant message (for few-shot prompts or replayed conversations).
   *
   * @param content text, may contain Gatling EL
   * @return the message
   */
  public static LlmMessage assistant(String content) {
    return LlmMessage.of("assistant", content);
  }

  /**
   * Check on the answer text (the concatenation of all streamed content).
   *
   * @return a check to refine with is, contains, matches, notEmpty, saveAs
   */
  public static LlmCheck text() {
    return new LlmCheck(ResultCheck.text());
  }

  /**
   * Check on the finish reason the server reported ({@code stop}, {@code length}, ...).
   *
   * @return a check to refine
   */
  public static LlmCheck finishReason() {
    return new LlmCheck(ResultCheck.finishReason());
  }

  /**
   * Check on the number of output tokens (the server's count, else the number of content chunks).
   *
   * @return a check to refine with gte, lte, is
   */
  public static LlmCheck outputTokens() {
    return new LlmCheck(ResultCheck.outputTokens());
  }

  /**
   * Check on the number of embedding vectors returned.
   *
   * @return a check to refine
   */
  public static LlmCheck embeddings() {
    return new LlmCheck(ResultCheck.embeddings());
  }

  /**
   * Check on the length of the first embedding vector.
   *
   * @return a check to refine
   */
  public static LlmCheck dimensions() {
    return new LlmCheck(ResultCheck.dimensions());
  }

  /**
   * Stamps when this user's next LLM request was meant to start, so that its client delay (sent − intended start)
   * counts the time the injector was late: set it where the arrival was planned (an open-model schedule, an
   * admission gate), before the request. The request consumes the stamp; without one, the intended start is when
   * the user reaches the request.
   *
   * @param session        the virtual user's session
   * @param intendedNanos  the intended start on {@link System#nanoTime()}'s clock
   * @return the session with the stamp
   */
  public static Session withIntendedStart(Session session, long intendedNanos) {
    return session.set(LlmAction.INTENDED_START_KEY, intendedNanos);
  }

  /**
   * The intended start stamped by {@link #withIntendedStart}, not yet consumed by a request.
   *
   * @param session the virtual user's session
   * @return the stamp on {@link System#nanoTime()}'s clock, or null when there is none
   */
  public static Long intendedStart(Session session) {
    return session.contains(LlmAction.INTENDED_START_KEY) ? session.getLong(LlmAction.INTENDED_START_KEY) : null;
  }

  /**
   * Marks this user as part of the warm-up: its requests are recorded with {@code "warmup": true} and left out of
   * every figure, SLO and time series of the run, and out of Gatling's statistics (see {@code llm.warmup}).
   *
   * @param session the virtual user's session
   * @return the session, marked
   */
  public static Session asWarmup(Session session) {
    return session.set(LlmAction.WARMUP_KEY, Boolean.TRUE);
  }
}
