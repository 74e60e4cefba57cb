package io.llmgatling.engine.gatling;

import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.check.ResultCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything one LLM action asks for, still unresolved: values are functions of the virtual user's session
 * (constants, Gatling EL strings and user lambdas all end up as such functions). Immutable.
 *
 * @param name         request name in Gatling's report
 * @param task         task name written into records (defaults to the request name)
 * @param operation    chat | generate | completion | embed
 * @param model        model, or null for the protocol's first model
 * @param messages     chat messages, in order
 * @param messagesFn   extra messages computed from the session (appended after {@code messages}), or null
 * @param conversation session key of a running conversation (List of Message), or null
 * @param prompt       prompt (generate / completion), or null
 * @param inputs       texts to embed, or null
 * @param stream       stream or not; null = protocol default
 * @param maxTokens    output cap; null = protocol default
 * @param options      extra body options
 * @param checks       checks on the answer
 */
public record LlmActionSpec(
    String name,
    String task,
    Operation operation,
    Function<Session, String> model,
    List<MessageTemplate> messages,
    Function<Session, List<Message>> messagesFn,
    String conversation,
    Function<Session, String> prompt,
    Function<Session, List<String>> inputs,
    Boolean stream,
    Integer maxTokens,
    Map<String, Object> options,
    List<ResultCheck> checks) {

  /** A message whose parts are resolved from the session. */
  public record MessageTemplate(String role, Function<Session, List<Part>> parts) {
  }

  public LlmActionSpec {
    messages = List.copyOf(messages);
    options = Map.copyOf(options);
    checks = List.copyOf(checks);
  }

  public static LlmActionSpec of(String name, Operation operation) {
    return new LlmActionSpec(name, name, operation, null, List.of(), null, null, null, null, null, null, Map.of(),
        List.of());
  }

  public LlmActionSpec withTask(String value) {
    return new LlmActionSpec(name, value, operation, model, messages, messagesFn, conversation, prompt, inputs,
        stream, maxTokens, options, checks);
  }

  public LlmActionSpec withModel(Function<Session, String> value) {
    return new LlmActionSpec(name, task, operation, value, messages, messagesFn, conversation, prompt, inputs,
        stream, maxTokens, options, checks);
  }

  public LlmActionSpec withMessage(MessageTemplate value) {
    List<MessageTemplate> all = new ArrayList<>(messages);
    all.add(value);
    return new LlmActionSpec(name, task, operation, model, all, messagesFn, conversation, prompt, inputs, stream,
        maxTokens, options, checks);
  }

  public LlmActionSpec withMessagesFn(Function<Session, List<Message>> value) {
    return new LlmActionSpec(name, task, operation, model, messages, value, conversation, prompt, inputs, stream,
        maxTokens, options, checks);
  }

  public LlmActionSpec withConversation(String value) {
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, value, prompt, inputs, stream,
        maxTokens, options, checks);
  }

  public LlmActionSpec withPrompt(Function<Session, String> value) {
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, value, inputs,
        stream, maxTokens, options, checks);
  }

  public LlmActionSpec withInputs(Function<Session, List<String>> value) {
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, prompt, value,
        stream, maxTokens, options, checks);
  }

  public LlmActionSpec withStream(Boolean value) {
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, prompt, inputs,
        value, maxTokens, options, checks);
  }

  public LlmActionSpec withMaxTokens(Integer value) {
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, prompt, inputs,
        stream, value, options, checks);
  }

  public LlmActionSpec withOption(String key, Object value) {
    Map<String, Object> merged = new LinkedHashMap<>(options);
    merged.put(key, value);
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, prompt, inputs,
        stream, maxTokens, merged, checks);
  }

  public LlmActionSpec withCheck(ResultCheck value) {
    List<ResultCheck> all = new ArrayList<>(checks);
    all.add(value);
    return new LlmActionSpec(name, task, operation, model, messages, messagesFn, conversation, prompt, inputs,
        stream, maxTokens, options, all);
  }
}
