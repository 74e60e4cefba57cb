package io.llmgatling.javaapi;

import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.internal.Expressions;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.gatling.LlmActionSpec;
import io.llmgatling.engine.gatling.LlmRequestActionBuilder;
import io.llmgatling.engine.gatling.RequestResolver;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An LLM action: one request per visit of a virtual user, streamed and timed token by token.
 * Immutable: every method returns a new builder.
 */
public final class LlmActionBuilder implements ActionBuilder {
  private final LlmActionSpec spec;

  LlmActionBuilder(LlmActionSpec spec) {
    this.spec = spec;
  }

  /**
   * The task name written into requests.jsonl and summaries (defaults to the request name).
   *
   * @param task task name, e.g. {@code chat}, {@code long-context}
   * @return a new builder
   */
  public LlmActionBuilder task(String task) {
    return new LlmActionBuilder(spec.withTask(task));
  }

  /**
   * The model, overriding the protocol's default.
   *
   * @param model model name, may contain Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder model(String model) {
    return new LlmActionBuilder(spec.withModel(LlmMessage.el(model)));
  }

  /**
   * The model, computed from the session.
   *
   * @param model function of the session
   * @return a new builder
   */
  public LlmActionBuilder model(Function<Session, String> model) {
    return new LlmActionBuilder(spec.withModel(model));
  }

  /**
   * Appends a system message.
   *
   * @param content text, may contain Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder system(String content) {
    return message(LlmDsl.system(content));
  }

  /**
   * Appends a user message.
   *
   * @param content text, may contain Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder user(String content) {
    return message(LlmDsl.user(content));
  }

  /**
   * Appends a user message computed from the session.
   *
   * @param content function of the session
   * @return a new builder
   */
  public LlmActionBuilder user(Function<Session, String> content) {
    return message(LlmDsl.user(content));
  }

  /**
   * Appends messages in order.
   *
   * @param messages built with {@link LlmDsl#system}, {@link LlmDsl#user}, {@link LlmDsl#assistant}
   * @return a new builder
   */
  public LlmActionBuilder message(LlmMessage... messages) {
    LlmActionSpec next = spec;
    for (LlmMessage m : messages) {
      next = next.withMessage(new LlmActionSpec.MessageTemplate(m.role(), m::resolve));
    }
    return new LlmActionBuilder(next);
  }

  /**
   * Appends messages computed from the session (e.g. a conversation from a ShareGPT feeder).
   *
   * @param messages function of the session returning the messages
   * @return a new builder
   */
  public LlmActionBuilder messages(Function<Session, List<Message>> messages) {
    return new LlmActionBuilder(spec.withMessagesFn(messages));
  }

  /**
   * Makes this a turn of a running conversation: the history stored under {@code key} is sent before this
   * action's messages, and after a successful answer the history, this turn's messages and the answer are
   * stored back under {@code key}. Multi-turn chat is a loop over such an action.
   *
   * @param key session attribute holding the history (a {@code List<Message>})
   * @return a new builder
   */
  public LlmActionBuilder conversation(String key) {
    return new LlmActionBuilder(spec.withConversation(key));
  }

  /**
   * The prompt of a generate or completion request.
   *
   * @param prompt text, may contain Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder prompt(String prompt) {
    return new LlmActionBuilder(spec.withPrompt(LlmMessage.el(prompt)));
  }

  /**
   * The prompt, computed from the session.
   *
   * @param prompt function of the session
   * @return a new builder
   */
  public LlmActionBuilder prompt(Function<Session, String> prompt) {
    return new LlmActionBuilder(spec.withPrompt(prompt));
  }

  /**
   * The texts to embed.
   *
   * @param inputs texts, each may contain Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder input(String... inputs) {
    List<Function<Session, String>> compiled = Arrays.stream(inputs).map(LlmMessage::el).toList();
    return new LlmActionBuilder(spec.withInputs(session -> compiled.stream().map(f -> f.apply(session)).toList()));
  }

  /**
   * The texts to embed, computed from the session (a batch from a feeder).
   *
   * @param inputs function of the session
   * @return a new builder
   */
  public LlmActionBuilder inputs(Function<Session, List<String>> inputs) {
    return new LlmActionBuilder(spec.withInputs(inputs));
  }

  /**
   * The texts to embed, read from a session attribute holding a list of strings.
   *
   * @param el Gatling EL naming the attribute, e.g. {@code "#{inputs}"}
   * @return a new builder
   */
  public LlmActionBuilder inputsFrom(String el) {
    Function<Session, List<Object>> list =
        Expressions.expressionToJavaFunction(Expressions.toSeqExpression(el)).andThen(
            seq -> scala.jdk.javaapi.CollectionConverters.asJava(seq));
    return new LlmActionBuilder(spec.withInputs(session -> list.apply(session).stream().map(String::valueOf).toList()));
  }

  /**
   * Streams the answer or not (default: the protocol's, which defaults to streaming).
   *
   * @param stream true to stream
   * @return a new builder
   */
  public LlmActionBuilder stream(boolean stream) {
    return new LlmActionBuilder(spec.withStream(stream));
  }

  /**
   * Caps the output ({@code num_predict} for Ollama, {@code max_tokens} elsewhere).
   *
   * @param maxTokens the cap
   * @return a new builder
   */
  public LlmActionBuilder maxTokens(int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    }
    return new LlmActionBuilder(spec.withMaxTokens(maxTokens));
  }

  /**
   * Caps the output with a value computed from the session at send time (e.g. a replayed trace's recorded output
   * length); wins over {@link #maxTokens(int)}. A null or a value below 1 leaves the fixed cap.
   *
   * @param maxTokens function of the virtual user's session
   * @return a new builder
   */
  public LlmActionBuilder maxTokens(Function<Session, Integer> maxTokens) {
    RequestResolver.SessionValue dynamic = maxTokens::apply;
    return new LlmActionBuilder(spec.withOption(RequestResolver.MAX_TOKENS_FROM_SESSION, dynamic));
  }

  /**
   * Adds one request option ({@code temperature}, {@code seed}, {@code num_ctx}, {@code top_p}, ...).
   *
   * @param key   option name as the server's API spells it
   * @param value option value
   * @return a new builder
   */
  public LlmActionBuilder option(String key, Object value) {
    return new LlmActionBuilder(spec.withOption(key, value));
  }

  /**
   * Adds one request option computed from the session at send time (e.g. a per-user seed).
   *
   * @param key   option name as the server's API spells it
   * @param value function of the session
   * @return a new builder
   */
  public LlmActionBuilder option(String key, Function<Session, Object> value) {
    RequestResolver.SessionValue dynamic = value::apply;
    return new LlmActionBuilder(spec.withOption(key, dynamic));
  }

  /**
   * Adds one request option whose value is a Gatling EL string, e.g. {@code option("seed", "#{userSeed}")};
   * the value is sent as the resolved text.
   *
   * @param key option name as the server's API spells it
   * @param el  Gatling EL
   * @return a new builder
   */
  public LlmActionBuilder optionEl(String key, String el) {
    Function<Session, String> compiled = LlmMessage.el(el);
    RequestResolver.SessionValue dynamic = compiled::apply;
    return new LlmActionBuilder(spec.withOption(key, dynamic));
  }

  /**
   * Asks a reasoning model to think or not ({@code on}, {@code off}) or how much ({@code low}, {@code medium},
   * {@code high}), worded as the API takes it (Ollama {@code think}, OpenAI {@code reasoning_effort}, ...); not
   * called: the server's default.
   *
   * @param think on, off, low, medium or high
   * @return a new builder
   */
  public LlmActionBuilder think(String think) {
    return new LlmActionBuilder(spec.withOption(LlmRequest.THINK_OPTION, checkedThink(think)));
  }

  static String checkedThink(String think) {
    if (think == null || !LlmRequest.THINK_VALUES.contains(think)) {
      throw new IllegalArgumentException("think must be one of " + LlmRequest.THINK_VALUES + ", was " + think);
    }
    return think;
  }

  /**
   * Adds request options.
   *
   * @param options option names and values
   * @return a new builder
   */
  public LlmActionBuilder options(Map<String, Object> options) {
    LlmActionSpec next = spec;
    for (Map.Entry<String, Object> e : options.entrySet()) {
      next = next.withOption(e.getKey(), e.getValue());
    }
    return new LlmActionBuilder(next);
  }

  /**
   * Adds checks on the answer.
   *
   * @param checks built with {@link LlmDsl#text()}, {@link LlmDsl#finishReason()}, ...
   * @return a new builder
   */
  public LlmActionBuilder check(LlmCheck... checks) {
    LlmActionSpec next = spec;
    for (LlmCheck c : checks) {
      next = next.withCheck(c.asEngine());
    }
    return new LlmActionBuilder(next);
  }

  @Override
  public io.gatling.core.action.builder.ActionBuilder asScala() {
    return new LlmRequestActionBuilder(spec);
  }
}
