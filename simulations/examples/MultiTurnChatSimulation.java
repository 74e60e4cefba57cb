package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A multi-turn chat: each virtual user holds a conversation of several turns, the history growing with
 * every answer, as a chat UI sends it. Later turns carry longer prompts, so prefill time (TTFT) grows
 * turn after turn; the report shows it per request name ({@code turn-1}, {@code turn-n}).
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.MultiTurnChatSimulation
 * mvn gatling:test -Dgatling.simulationClass=examples.MultiTurnChatSimulation -Dllm.target=ollama -Dllm.model=llama3.2
 * </pre>
 */
public class MultiTurnChatSimulation extends LlmSimulation {

  private static final List<String> FOLLOW_UPS = List.of(
      "Can you make that shorter?",
      "Give me a concrete example.",
      "What is the most common mistake people make with this?");

  ScenarioBuilder conversation = scenario("multi-turn")
      .feed(listFeeder(List.of(
          Map.<String, Object>of("topic", "how to brew good filter coffee"),
          Map.<String, Object>of("topic", "how a hash map works"),
          Map.<String, Object>of("topic", "planning a two-day hike"),
          Map.<String, Object>of("topic", "writing a good bug report"))).circular())
      // turn 1: the conversation starts; its question and the answer are stored under "history"
      .exec(llm("turn-1").chat()
          .system("You are a friendly expert. Keep answers under 120 words.")
          .user("Explain #{topic}.")
          .conversation("history")
          .maxTokens(160)
          .check(text().notEmpty().saveAs("answer")))  // the answer, reusable in the next prompt
      .exitHereIfFailed()
      // turns 2..4: each sends the whole history plus a new user message
      .foreach(FOLLOW_UPS, "followUp").on(
          pause(Duration.ofMillis(500), Duration.ofSeconds(2)) // the user reads the answer: think time
              .exec(llm("turn-n").chat()
                  .user(session -> session.getString("followUp")
                      + " (You said: \"" + firstWords(session.getString("answer"), 12) + "...\")")
                  .conversation("history")
                  .maxTokens(160)
                  .check(text().notEmpty().saveAs("answer")))
              .exitHereIfFailed());

  {
    setUp(conversation.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol());
  }

  /** Quotes the start of the previous answer, as users do when they refer back to it. */
  private static String firstWords(String text, int words) {
    String[] parts = text == null ? new String[0] : text.trim().split("\\s+");
    return String.join(" ", List.of(parts).subList(0, Math.min(words, parts.length)));
  }
}
