package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A reasoning model of the simulator measured through each existing API: the first answer token comes after the
 * thinking, and the reasoning and answer tokens are the simulator's own (its truth, by X-Request-Id); a request
 * whose cap falls inside the thinking is reasoning-only (OK, cause budget_exhausted); thinking turned off is none.
 */
class ReasoningIT {
  private static LlmClient client;

  @BeforeAll
  static void start() {
    client = new LlmClient(ClientOptions.defaults());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /** The profile's models at 4000 tokens/s (a thinking phase of 64..256 tokens in tens of ms), 6-token answers. */
  private static LlmSimulator simulator(String profile) {
    return LlmSimulator.start(SimulatorConfig.forProfile(profile).toBuilder().port(0).preloadModels(true)
        .outputTokens(6).rates(100_000, 4000, 0).build());
  }

  private static LlmResult send(LlmSimulator sim, String api, String model, boolean stream, Integer maxTokens,
      String think) throws Exception {
    LlmRequest request = new LlmRequest("chat", Dialects.byId(api), Operation.CHAT, sim.baseUrl(), null, model,
        List.of(Message.user("Why is the sky blue?")), null, null, stream, maxTokens, Map.of(), Timeouts.DEFAULT,
        think);
    CompletableFuture<LlmResult> future = new CompletableFuture<>();
    client.send(request, System.nanoTime(), future::complete);
    return future.get(30, TimeUnit.SECONDS);
  }

  /** The simulator files a request's truth after its last write, which may come after the client's read. */
  private static RequestTruth truth(LlmSimulator sim, RequestRecord r) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Optional<RequestTruth> found = sim.truth().stream()
          .filter(t -> Long.toString(r.id()).equals(t.requestId())).findFirst();
      if (found.isPresent() || System.nanoTime() > deadline) {
        return found.orElseThrow(() -> new AssertionError("no simulator truth for request " + r.id()));
      }
      Thread.sleep(5);
    }
  }

  @ParameterizedTest(name = "{1} against {0}")
  @CsvSource({
      "ollama,   ollama,   qwen3:4b",
      "ollama,   openai,   qwen3:4b",
      "lmstudio, lmstudio, qwen/qwen3-4b",
      "lmstudio, openai,   qwen/qwen3-4b",
      "llamacpp, llamacpp, qwen3-4b-q4_k_m.gguf",
      "ollama,   responses, qwen3:4b",
      "ollama,   anthropic, qwen3:4b",
      "lmstudio, lmstudio-v1, qwen/qwen3-4b"})
  void should_measure_the_first_answer_after_the_thinking_and_count_the_tokens_the_simulator_generated(
      String profile, String api, String model) throws Exception {
    try (LlmSimulator sim = simulator(profile)) {
      for (int i = 0; i < 3; i++) {
        RequestRecord r = send(sim, api, model, true, null, null).record();
        RequestTruth truth = truth(sim, r);

        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(truth.reasoningTokens()).isBetween(64, 256);
        assertThat(r.reasoningTokens()).isEqualTo(truth.reasoningTokens());
        assertThat(r.answerTokens()).isEqualTo(truth.outputTokens() - truth.reasoningTokens()).isEqualTo(6);
        assertThat(r.outputTokens()).isEqualTo(truth.outputTokens());
        assertThat(r.ttfaMs()).isGreaterThan(r.ttftMs()).isLessThanOrEqualTo(r.e2eMs());
        // the answer's first token went out after every thinking token
        double thinking = (truth.tokenNanos()[truth.reasoningTokens()] - truth.firstTokenNanos()) / 1e6;
        assertThat(r.ttfaMs() - r.ttftMs()).isGreaterThan(thinking / 2);
        assertThat(r.cause()).isNull();
      }
    }
  }

  @ParameterizedTest(name = "{1}, streamed {2}")
  @CsvSource({
      "openai,    true", "openai,    false",
      "ollama,    true", "ollama,    false",
      "responses, true", "responses, false",
      "anthropic, true", "anthropic, false"})
  void should_measure_a_tool_call_that_comes_after_the_thinking_as_the_answer(String api, boolean stream)
      throws Exception {
    com.fasterxml.jackson.databind.JsonNode tools = io.llmgatling.json.Json.MAPPER.readTree("[{\"type\":\"function\","
        + "\"function\":{\"name\":\"get_weather\",\"description\":\"Weather of a city\",\"parameters\":{"
        + "\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]");
    try (LlmSimulator sim = simulator("ollama")) {
      LlmRequest request = new LlmRequest("tools", Dialects.byId(api), Operation.CHAT, sim.baseUrl(), null,
          "qwen3:4b", List.of(Message.user("Weather in Lyon?")), null, null, stream, 1024,
          Dialects.byId(api).toolOptions(tools), Timeouts.DEFAULT, null);
      CompletableFuture<LlmResult> future = new CompletableFuture<>();
      client.send(request, System.nanoTime(), future::complete);
      LlmResult result = future.get(30, TimeUnit.SECONDS);
      RequestRecord r = result.record();
      RequestTruth truth = truth(sim, r);

      assertThat(r.ok()).as(r.message()).isTrue();
      assertThat(r.toolCalls()).isEqualTo(1);
      assertThat(result.toolCalls()).singleElement().satisfies(call -> {
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(io.llmgatling.json.Json.MAPPER.readTree(call.argumentsJson()).path("city").isTextual()).isTrue();
      });
      assertThat(truth.reasoningTokens()).isBetween(64, 256);
      assertThat(r.outputTokens()).isEqualTo(truth.outputTokens()).isGreaterThan(truth.reasoningTokens());
      if (stream) {
        assertThat(r.reasoningTokens()).isEqualTo(truth.reasoningTokens());
        assertThat(r.ttfaMs()).isGreaterThan(r.ttftMs());
      }
    }
  }

  @ParameterizedTest(name = "{1} against {0}, streamed {3}")
  @CsvSource({
      "ollama,   ollama,   qwen3:4b,             true",
      "ollama,   ollama,   qwen3:4b,             false",
      "lmstudio, lmstudio, qwen/qwen3-4b,        false",
      "llamacpp, llamacpp, qwen3-4b-q4_k_m.gguf, true"})
  void should_count_a_request_whose_cap_fell_inside_the_thinking_as_reasoning_only_and_not_as_an_error(
      String profile, String api, String model, boolean stream) throws Exception {
    try (LlmSimulator sim = simulator(profile)) {
      RequestRecord r = send(sim, api, model, stream, 16, null).record();
      RequestTruth truth = truth(sim, r);

      assertThat(truth.reasoningTokens()).isEqualTo(truth.outputTokens()).isEqualTo(16);
      assertThat(r.ok()).isTrue();
      assertThat(r.reasoningOnly()).isTrue();
      assertThat(r.cause()).isEqualTo(RequestRecord.BUDGET_EXHAUSTED);
      assertThat(r.finishReason()).isEqualTo("length");
      assertThat(r.ttfaMs()).isNull();
      if (stream) {
        assertThat(r.reasoningTokens()).isEqualTo(16);
        assertThat(r.answerTokens()).isZero();
      }
    }
  }

  @ParameterizedTest(name = "{1} against {0}")
  @CsvSource({
      "ollama,   ollama,   qwen3:4b",
      "ollama,   openai,   qwen3:4b",
      "lmstudio, lmstudio, qwen/qwen3-4b"})
  void should_turn_the_thinking_off_when_the_workload_says_so(String profile, String api, String model)
      throws Exception {
    try (LlmSimulator sim = simulator(profile)) {
      RequestRecord off = send(sim, api, model, true, null, "off").record();
      RequestRecord high = send(sim, api, model, true, null, "high").record();

      assertThat(truth(sim, off).reasoningTokens()).isZero();
      assertThat(off.reasoningTokens()).isNull();
      assertThat(off.ttfaMs()).isNull();
      assertThat(off.firstAnswerMs()).isEqualTo(off.ttftMs());
      assertThat(truth(sim, high).reasoningTokens()).as("high: twice the 64..256 range").isBetween(128, 512);
      assertThat(high.reasoningTokens()).isEqualTo(truth(sim, high).reasoningTokens());
    }
  }
}
