package io.llmgatling.javaapi;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.llmgatling.harness.LlmSimulation;
import java.util.List;

/** Exercises the DSL's checks, saves, conversations and EL through the real pipeline (see LlmActionIT). */
public class DslFeaturesSimulation extends LlmSimulation {
  public static final int USERS = 3;

  {
    var conversation = scenario("conversation")
        .exec(session -> session.set("topic", "queues"))
        .exec(llm("turn-1").chat().model("llama3.2:3b").system("Be brief.").user("Tell me about #{topic}")
            .conversation("history").maxTokens(16).option("seed", session -> session.userId())
            .check(text().notEmpty().saveAs("answer"), outputTokens().gte(1).lte(16)))
        .exec(llm("turn-2").chat().model("llama3.2:3b").user("Say more about: #{answer}")
            .conversation("history").maxTokens(16))
        .exec(llm("embed").embed().model("nomic-embed-text").input("a", "b", "#{topic}")
            .check(embeddings().is(3), dimensions().gte(1)))
        .exec(llm("generate").generate().model("qwen2.5:7b").prompt(session -> "Once upon a time")
            .stream(false).maxTokens(8));
    var failingCheck = scenario("failing-check")
        .exec(llm("bad-check").chat().model("llama3.2:3b").user("hi").maxTokens(4)
            .check(finishReason().is("no-such-reason")));
    var missingAttribute = scenario("missing-attribute")
        .exec(llm("bad-el").chat().model("llama3.2:3b").user("#{doesNotExist}"));
    setUp(
        conversation.injectOpen(atOnceUsers(USERS)),
        failingCheck.injectOpen(atOnceUsers(USERS)),
        missingAttribute.injectOpen(atOnceUsers(1)))
        .protocols(llmProtocol().maxTokens(32).option("temperature", 0.1));
  }

  static List<String> scenarios() {
    return List.of("conversation", "failing-check", "missing-attribute");
  }
}
