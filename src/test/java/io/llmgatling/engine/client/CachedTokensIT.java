package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a server that reports cached tokens (the simulator with a per-slot prefix cache), prompt tokens minus
 * cached tokens equal what the server evaluated. The truth is the prefill time the simulator spent: at 1,000 prompt
 * tokens/s with no fixed cost and no jitter, each evaluated token costs exactly 1 ms and a cached one nothing.
 */
class CachedTokensIT {
  private static final double PREFILL_TOKENS_PER_SEC = 1000;
  private static LlmClient client;

  @BeforeAll
  static void start() {
    client = new LlmClient(ClientOptions.defaults());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void should_read_cached_tokens_that_leave_exactly_the_evaluated_prompt() throws Exception {
    List<RequestRecord> records = conversation(Dialects.byId("llamacpp"));
    for (RequestRecord r : records) {
      assertThat(r.promptTokens()).as("request %d", r.id()).isNotNull();
      assertThat(r.cachedTokens()).as("request %d", r.id()).isNotNull();
      long evaluated = Math.round(r.promptEvalMs() * PREFILL_TOKENS_PER_SEC / 1000);
      assertThat(r.promptTokens() - r.cachedTokens()).as("request %d: prompt − cached", r.id())
          .isEqualTo(evaluated);
    }
    assertThat(records.get(0).cachedTokens()).as("a cold slot").isZero();
    assertThat(records.subList(1, records.size())).allSatisfy(
        r -> assertThat(r.cachedTokens()).as("a follow-up turn on the one slot").isPositive());
  }

  @Test
  void should_read_the_same_counts_from_plain_openai_usage_as_from_llama_server_timings() throws Exception {
    List<RequestRecord> viaTimings = conversation(Dialects.byId("llamacpp"));
    List<RequestRecord> viaUsage = conversation(Dialects.byId("openai"));
    assertThat(viaUsage).extracting(RequestRecord::promptTokens)
        .containsExactlyElementsOf(viaTimings.stream().map(RequestRecord::promptTokens).toList());
    assertThat(viaUsage).extracting(RequestRecord::cachedTokens)
        .containsExactlyElementsOf(viaTimings.stream().map(RequestRecord::cachedTokens).toList());
  }

  /** A four-turn conversation on a fresh simulator with one slot and a conversation prefix cache. */
  private static List<RequestRecord> conversation(Dialect api) throws Exception {
    ModelSpec model = new ModelSpec("m", ModelSpec.LLM, PREFILL_TOKENS_PER_SEC, 2000, 0, 8192, 64, null, null, null,
        1, 0L, null, null, ModelSpec.CACHE_CONVERSATION);
    SimulatorConfig config = SimulatorConfig.forProfile("llamacpp").toBuilder().port(0).slots(1).jitter(0)
        .outputTokens(6).models(List.of(model)).build();
    try (LlmSimulator sim = LlmSimulator.start(config)) {
      List<Message> history = new ArrayList<>(List.of(
          Message.system("You are a careful assistant who answers questions about the sea in two sentences."),
          Message.user("Why is the sea salty?")));
      List<RequestRecord> records = new ArrayList<>();
      for (String next : List.of("And why is it blue?", "Does it freeze?", "Where is it deepest?", "")) {
        records.add(send(sim, api, history));
        history.add(Message.assistant("An answer of a few words."));
        history.add(Message.user(next));
      }
      return records;
    }
  }

  private static RequestRecord send(LlmSimulator sim, Dialect api, List<Message> messages) throws Exception {
    LlmRequest request = new LlmRequest("chat", api, Operation.CHAT, sim.baseUrl(), null, "m",
        List.copyOf(messages), null, null, true, 6, Map.of(), Timeouts.DEFAULT);
    CompletableFuture<RequestRecord> done = new CompletableFuture<>();
    client.send(request, System.nanoTime(), result -> done.complete(result.record()));
    RequestRecord r = done.get(30, TimeUnit.SECONDS);
    assertThat(r.ok()).as(r.message()).isTrue();
    return r;
  }
}
