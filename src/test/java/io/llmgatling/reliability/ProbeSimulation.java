package io.llmgatling.reliability;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.llmgatling.javaapi.LlmDsl.llm;

import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.javaapi.LlmActionBuilder;
import io.llmgatling.harness.LlmSimulation;

/**
 * A fixed number of identical streamed chat requests, sent at once, whose model, prompt, task name, context size
 * and response limit come from {@code probe.*} system properties: the one request shape each fault test needs
 * (an unknown model, a prompt over the context, an answer over the client's byte limit, hostile names), run
 * through the whole pipeline (Gatling, the run lifecycle, the reports).
 *
 * <p>{@code probe.*} and not {@code llm.*}: the workload rejects unknown {@code llm.} keys, and these are not
 * run properties but knobs of this test simulation.
 */
public class ProbeSimulation extends LlmSimulation {

  {
    String task = System.getProperty("probe.task", "chat");
    String model = System.getProperty("probe.model", workload().models().get(0));
    int promptChars = Integer.getInteger("probe.promptChars", 20);
    int requests = Integer.getInteger("probe.requests", 3);
    long maxResponseBytes = Long.getLong("probe.maxResponseBytes", ClientOptions.DEFAULT_MAX_RESPONSE_BYTES);
    LlmActionBuilder chat = llm(task).chat().task(task).model(model).user("x".repeat(promptChars))
        .stream(true).maxTokens(8);
    Integer numCtx = Integer.getInteger("probe.numCtx");
    if (numCtx != null) {
      chat = chat.option("num_ctx", numCtx);
    }
    setUp(scenario(task).exec(chat).injectOpen(atOnceUsers(requests)))
        .protocols(llmProtocol().maxResponseBytes(maxResponseBytes));
  }
}
