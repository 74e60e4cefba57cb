package io.llmgatling.engine.gatling;

import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an action's spec plus a user's session into one concrete request. */
public final class RequestResolver {
  private RequestResolver() {
  }

  static LlmRequest resolve(LlmActionSpec spec, LlmProtocol protocol, Session session) {
    String model = model(spec, protocol, session);
    List<Message> messages = new ArrayList<>();
    if (spec.conversation() != null && session.contains(spec.conversation())) {
      List<Message> history = session.getList(spec.conversation());
      messages.addAll(history);
    }
    for (LlmActionSpec.MessageTemplate template : spec.messages()) {
      messages.add(new Message(template.role(), template.parts().apply(session)));
    }
    if (spec.messagesFn() != null) {
      messages.addAll(spec.messagesFn().apply(session));
    }
    String prompt = spec.prompt() == null ? null : spec.prompt().apply(session);
    List<String> inputs = spec.inputs() == null ? List.of() : spec.inputs().apply(session);
    switch (spec.operation()) {
      case CHAT -> require(!messages.isEmpty(), "a chat needs at least one message");
      case GENERATE, COMPLETION -> require(prompt != null, "a " + spec.operation().id() + " needs a prompt");
      case EMBED -> require(!inputs.isEmpty(), "an embedding request needs at least one input");
      default -> { }
    }
    boolean stream = stream(spec, protocol);
    Integer maxTokens = spec.maxTokens() != null ? spec.maxTokens() : protocol.maxTokens();
    Map<String, Object> options = new LinkedHashMap<>(protocol.options());
    spec.options().forEach((key, value) -> options.put(key, value instanceof SessionValue dynamic
        ? dynamic.resolve(session) : value));
    Object think = options.remove(LlmRequest.THINK_OPTION);
    if (options.remove(MAX_TOKENS_FROM_SESSION) instanceof Number perRequest && perRequest.intValue() >= 1) {
      maxTokens = perRequest.intValue();
    }
    return new LlmRequest(spec.task(), protocol.api(), spec.operation(), protocol.baseUrl().uri(), protocol.apiKey(),
        model, messages, prompt, inputs, stream, maxTokens, options, protocol.timeouts(),
        think == null || spec.operation() == Operation.EMBED ? null
            : think instanceof com.fasterxml.jackson.databind.JsonNode node ? node.asText() : String.valueOf(think));
  }

  /** The action's model, else the protocol's first; throws when neither resolves. */
  static String model(LlmActionSpec spec, LlmProtocol protocol, Session session) {
    String model = spec.model() != null ? spec.model().apply(session) : null;
    if (model == null || model.isBlank()) {
      if (protocol.models().isEmpty()) {
        throw new IllegalArgumentException("no model: set one on the protocol (llm.model(...)) or the action");
      }
      model = protocol.models().get(0);
    }
    return model;
  }

  static boolean stream(LlmActionSpec spec, LlmProtocol protocol) {
    return spec.operation() != Operation.EMBED
        && (spec.stream() != null ? spec.stream() : protocol.stream() == null || protocol.stream());
  }

  /**
   * The option key under which {@code maxTokens(Function)} carries a per-request output cap: taken out of the options
   * and sent as the API's cap ({@code num_predict}, {@code max_tokens}, ...).
   */
  public static final String MAX_TOKENS_FROM_SESSION = "llm.maxTokens";

  /** An option value computed from the session at send time (an EL string or a function). */
  @FunctionalInterface
  public interface SessionValue {
    Object resolve(Session session);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
