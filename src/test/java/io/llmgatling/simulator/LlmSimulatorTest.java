package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LlmSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private LlmSimulator start(SimulatorConfig.Builder b) {
    sim = LlmSimulator.start(b.port(0).build());
    return sim;
  }

  private HttpResponse<String> post(String path, String body, String requestId) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (requestId != null) {
      req.header("X-Request-Id", requestId);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void should_listen_on_a_free_port_of_127_0_0_1_and_stop_idempotently() throws Exception {
    start(SimulatorConfig.defaults().toBuilder());
    assertThat(sim.port()).isPositive();
    assertThat(sim.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + sim.port());
    HttpResponse<String> root = http.send(HttpRequest.newBuilder(sim.baseUrl()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(root.body()).isEqualTo("Ollama is running");
    sim.close();
    sim.close();
  }

  @Test
  void should_record_a_truthful_timeline_of_a_stream() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().loadTimeMs(50).outputTokens(12).rates(30_000, 1000, 0.1));
    HttpResponse<String> res = post("/api/chat",
        "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]}",
        "req-1");

    List<String> lines = res.body().lines().toList();
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    assertThat(lines).hasSize(13);
    JsonNode last = JSON.readTree(lines.get(12));
    assertThat(last.path("done").asBoolean()).isTrue();
    assertThat(last.path("done_reason").asText()).isEqualTo("stop");
    assertThat(last.path("eval_count").asInt()).isEqualTo(12);
    assertThat(last.path("prompt_eval_count").asInt()).isEqualTo(100);
    assertThat(last.path("load_duration").asLong()).isGreaterThanOrEqualTo(45_000_000L);

    RequestTruth t = sim.truth().get(0);
    assertThat(t.requestId()).isEqualTo("req-1");
    assertThat(t.path()).isEqualTo("/api/chat");
    assertThat(t.api()).isEqualTo("ollama");
    assertThat(t.stream()).isTrue();
    assertThat(t.status()).isEqualTo(200);
    assertThat(t.outputTokens()).isEqualTo(12).isEqualTo(t.tokenNanos().length);
    assertThat(t.promptTokens()).isEqualTo(100);
    assertThat(t.arrivalNanos()).isLessThanOrEqualTo(t.slotAcquiredNanos());
    assertThat(t.slotAcquiredNanos()).isLessThanOrEqualTo(t.firstTokenNanos());
    assertThat(t.firstTokenNanos()).isEqualTo(t.tokenNanos()[0]);
    for (int i = 1; i < t.tokenNanos().length; i++) {
      assertThat(t.tokenNanos()[i]).isGreaterThanOrEqualTo(t.tokenNanos()[i - 1]);
    }
    assertThat(t.endNanos()).isGreaterThanOrEqualTo(t.tokenNanos()[11]);
    assertThat(t.fault()).isNull();
    // Ollama's arithmetic: total − load − prompt_eval − eval = the wait for a slot
    long wait = last.path("total_duration").asLong() - last.path("load_duration").asLong()
        - last.path("prompt_eval_duration").asLong() - last.path("eval_duration").asLong();
    assertThat(wait).isBetween(0L, t.slotAcquiredNanos() - t.arrivalNanos());
  }

  @Test
  void should_slow_each_token_by_the_context_its_models_slot_holders_hold() throws Exception {
    // 200 tok/s alone (5 ms a token) and 10 ms per 1,000 context tokens held × holders
    ModelSpec m = new ModelSpec("ctx:1b", "llm", 1_000_000, 200, 0, 131_072, 0, null, null, null, 0, null, null, null,
        null, null, null, null, 10.0);
    start(SimulatorConfig.defaults().toBuilder().models(List.of(m)).preloadModels(true).jitter(0).outputTokens(20)
        .charsPerToken(4));

    post("/api/chat", "{\"model\":\"ctx:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(40)
        + "\"}]}", "short");
    post("/api/chat", "{\"model\":\"ctx:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(8000)
        + "\"}]}", "long");

    // 10 prompt tokens: 5.1-5.3 ms a token; 2,000: 25.1-25.3 ms
    assertThat(meanGapMs(truthOf("short"))).isBetween(4.5, 9.0);
    assertThat(meanGapMs(truthOf("long"))).isBetween(24.0, 32.0);
  }

  @Test
  void should_draw_the_prompt_times_from_the_models_prefill_jitter_when_it_has_one() throws Exception {
    // 1,000 prompt tokens at 10,000 tok/s: 100 ms times e^(0.3 Z), Z within ±3: 41-246 ms, although the jitter is 0
    ModelSpec m = new ModelSpec("spread:1b", "llm", 10_000, 200, 0, 131_072, 0, null, null, null, 0, null, null, null,
        null, null, null, null, null, 0.3);
    start(SimulatorConfig.defaults().toBuilder().models(List.of(m)).preloadModels(true).jitter(0).outputTokens(20)
        .charsPerToken(4));

    double[] promptMs = new double[8];
    for (int i = 0; i < promptMs.length; i++) {
      post("/api/chat", "{\"model\":\"spread:1b\",\"messages\":[{\"role\":\"user\",\"content\":\""
          + "x".repeat(4000) + "\"}]}", "p" + i);
      RequestTruth t = truthOf("p" + i);
      promptMs[i] = (t.tokenNanos()[0] - t.slotAcquiredNanos()) / 1e6;
    }

    // 8 draws of a spread of about 30 ms: the chance that all fall within 20 ms of one another is under 1e-3
    double spread = java.util.Arrays.stream(promptMs).max().getAsDouble()
        - java.util.Arrays.stream(promptMs).min().getAsDouble();
    assertThat(spread).as("prompt times %s", java.util.Arrays.toString(promptMs)).isGreaterThan(20);
    assertThat(java.util.Arrays.stream(promptMs).boxed().toList())
        .allSatisfy(ms -> assertThat(ms).isBetween(38.0, 260.0));
  }

  private RequestTruth truthOf(String id) {
    return sim.truth().stream().filter(t -> id.equals(t.requestId())).findFirst().orElseThrow();
  }

  private static double meanGapMs(RequestTruth t) {
    long[] at = t.tokenNanos();
    return (at[at.length - 1] - at[0]) / 1e6 / (at.length - 1);
  }

  @Test
  void should_answer_503_with_ollamas_words_when_the_queue_is_full() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().slots(1).maxQueue(0).loadTimeMs(0).outputTokens(30)
        .rates(3000, 100, 0));
    post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"warm up\",\"options\":{\"num_predict\":1}}", null);
    var first = http.sendAsync(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/generate"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"llama3.2:3b\",\"prompt\":\"hello\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    Thread.sleep(100);
    HttpResponse<String> busy = post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"hello\"}", null);
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.body()).isEqualTo(
        "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
    assertThat(first.get().statusCode()).isEqualTo(200);
  }

  @Test
  void should_answer_ollamas_errors_for_a_missing_body_model_or_unknown_model() throws Exception {
    start(SimulatorConfig.defaults().toBuilder());
    assertThat(post("/api/chat", "", null).statusCode()).isEqualTo(400);
    HttpResponse<String> noModel = post("/api/chat", "{\"messages\":[]}", null);
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(noModel.body()).isEqualTo("{\"error\":\"model is required\"}");
    HttpResponse<String> unknown = post("/api/chat", "{\"model\":\"x\"}", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"error\":\"model \\\"x\\\" not found, try pulling it first\"}");
    HttpResponse<String> openAi = post("/v1/chat/completions", "{\"model\":\"x\",\"messages\":[]}", null);
    assertThat(openAi.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(openAi.body()).path("error").path("message").asText())
        .isEqualTo("model \"x\" not found, try pulling it first");
  }
}
