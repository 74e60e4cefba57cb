package io.llmgatling.realengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tool against a real llama.cpp engine ({@link RealEngine}: llama.cpp's own server code, 2 slots, a random
 * 4x128 model) in a process of its own: what the tool counts and times must be what the engine counted and
 * timed, a load beyond the slots must queue in the engine and show in TTFT, and a client that gives up must free
 * its slot. Each test reads the engine's counters before and after and compares the differences.
 */
class RealEngineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SLOTS = 2;
  /**
   * llama-server's limit is 100 responses per connection; 8 makes the queueing run (about 40 requests on 4
   * connections) meet the engine's {@code Connection: close} several times.
   */
  private static final int KEEP_ALIVE_MAX = 8;

  private static EngineProcess engine;
  private static LlmClient client;

  @BeforeAll
  static void start() {
    engine = EngineProcess.start("--slots", Integer.toString(SLOTS), "--layers", "4", "--dim", "128",
        "--keep-alive-max", Integer.toString(KEEP_ALIVE_MAX));
    client = new LlmClient(ClientOptions.defaults());
  }

  @AfterAll
  static void stop() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (engine != null) {
        engine.close();
      }
    }
  }

  @Test
  void should_answer_llama_server_monitoring_routes() throws Exception {
    JsonNode props = JSON.readTree(engine.get("/props"));
    assertThat(props.path("total_slots").asInt()).isEqualTo(SLOTS);
    assertThat(props.path("default_generation_settings").path("n_ctx").asInt()).isEqualTo(2048);
    assertThat(JSON.readTree(engine.get("/health")).path("status").asText()).isEqualTo("ok");
    assertThat(JSON.readTree(engine.get("/slots"))).hasSize(SLOTS);
    assertThat(JSON.readTree(engine.get("/v1/models")).path("data").path(0).path("id").asText())
        .isEqualTo(engine.modelId());
    assertThat(engine.metrics()).containsKeys("llamacpp:prompt_tokens_total", "llamacpp:tokens_predicted_total",
        "llamacpp:requests_processing", "llamacpp:requests_deferred");
  }

  @Test
  void should_count_and_time_a_queueing_run_exactly_as_the_engine_did() {
    Map<String, Double> before = engine.metrics();
    Map<String, String> props = new LinkedHashMap<>();
    props.put("llm.target", "llamacpp");
    props.put("llm.baseUrl", engine.baseUrl().toString());
    props.put("llm.model", engine.modelId());
    props.put("llm.mix", "chat:3,completion:1");
    props.put("llm.profile", "closed");
    props.put("llm.users", Integer.toString(2 * SLOTS)); // twice the slots: half the requests wait in the engine
    props.put("llm.rampUp", "0s");
    props.put("llm.duration", "8s");
    props.put("llm.maxTokens", "48");
    props.put("llm.stream.completion", "false"); // both of the engine's answer shapes
    props.put("llm.slo", "none");
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);
    awaitIdle();
    Map<String, Double> after = engine.metrics();

    assertThat(outcome.exitCode()).isZero();
    List<JsonNode> records = RunFiles.records(outcome.resultsDir()).stream()
        .filter(r -> !r.path("warmup").asBoolean(false)).toList();
    JsonNode all = RunFiles.summary(outcome.resultsDir()).path("all");
    List<String> kos = records.stream().filter(r -> !r.path("ok").asBoolean())
        .map(r -> r.path("cause").asText() + ": " + r.path("message").asText()).toList();
    assertThat(kos).as("KOs at a load that queues (the engine caused none)").isEmpty();
    assertThat(all.path("ko").asInt()).isZero();

    // no request lost: every request the tool recorded reached the engine and ran to its end there
    long requests = delta(before, after, "llmgatling:requests_total");
    assertThat(records).hasSize((int) requests);
    assertThat(delta(before, after, "llmgatling:requests_finished_total")).isEqualTo(requests);
    assertThat(requests).as("requests in 8 s").isGreaterThan(20);

    assertThat(records.stream().filter(r -> !r.path("stream").asBoolean()).count()).isPositive();
    // every stream parsed, one chunk per engine token
    for (JsonNode r : records) {
      assertThat(r.path("outputTokensSource").asText()).isEqualTo("server");
      if (r.path("stream").asBoolean()) {
        assertThat(r.path("contentChunks").asInt()).as("chunks of %s", r).isEqualTo(r.path("outputTokens").asInt());
      }
    }
    // the engine's own counts and times, summed over the run
    assertThat(sum(records, "outputTokens")).isEqualTo(delta(before, after, "llamacpp:tokens_predicted_total"));
    assertThat(sum(records, "promptTokens")).isEqualTo(delta(before, after, "llmgatling:usage_prompt_tokens_total"));
    // prompt tokens minus the cached ones (timings.cache_n) are what the engine evaluated (issue 17): chat turns
    // find their history in a slot's prompt cache
    assertThat(sum(records, "promptTokens") - sum(records, "cachedTokens"))
        .isEqualTo(delta(before, after, "llamacpp:prompt_tokens_total"));
    assertThat(all.path("cachedTokens").asLong()).isEqualTo(sum(records, "cachedTokens"));
    System.out.printf(java.util.Locale.ROOT, "real engine: prompt tokens %d, cached %d, evaluated %d = %d (engine),"
        + " cache hit rate %s%n", sum(records, "promptTokens"), sum(records, "cachedTokens"),
        sum(records, "promptTokens") - sum(records, "cachedTokens"), delta(before, after, "llamacpp:prompt_tokens_total"),
        all.path("cacheHitRate"));
    double promptMs = (after.get("llamacpp:prompt_seconds_total") - before.get("llamacpp:prompt_seconds_total")) * 1000;
    double evalMs = (after.get("llamacpp:tokens_predicted_seconds_total")
        - before.get("llamacpp:tokens_predicted_seconds_total")) * 1000;
    // llama.cpp logs each time to 0.01 ms; the counters keep them to the microsecond
    System.out.printf(java.util.Locale.ROOT, "real engine, %d requests (tool = engine): output tokens %d = %d, prompt"
        + " tokens %d = %d, prefill ms %.2f = %.2f, decode ms %.2f = %.2f, max queue %.0f ms%n", records.size(),
        sum(records, "outputTokens"), delta(before, after, "llamacpp:tokens_predicted_total"),
        sum(records, "promptTokens"), delta(before, after, "llmgatling:usage_prompt_tokens_total"),
        sumDouble(records, "promptEvalMs"), promptMs, sumDouble(records, "evalMs"), evalMs,
        records.stream().mapToDouble(r -> r.path("queueMs").asDouble(0)).max().orElse(0));
    assertThat(sumDouble(records, "promptEvalMs")).isCloseTo(promptMs, within(0.01 * records.size() + 1));
    assertThat(sumDouble(records, "evalMs")).isCloseTo(evalMs, within(0.01 * records.size() + 1));
    assertThat(records.stream().mapToDouble(r -> r.path("queueMs").asDouble(0)).max().orElse(0))
        .as("some requests waited for a slot").isGreaterThan(5);
  }

  @Test
  void should_raise_ttft_once_concurrency_passes_the_slots() throws Exception {
    send(SLOTS, 64, Timeouts.DEFAULT); // warm-up
    // 160 tokens: long enough that a pause of the test JVM cannot pass for a wait in the engine
    List<RequestRecord> within = records(send(SLOTS, 160, Timeouts.DEFAULT));
    List<RequestRecord> beyond = records(send(2 * SLOTS, 160, Timeouts.DEFAULT));

    for (RequestRecord r : within) {
      assertThat(r.ttftMs()).as("TTFT with a slot for everyone").isLessThan(r.e2eMs() / 2);
    }
    // beyond the slots, two requests wait for a whole request to end before their first token
    List<RequestRecord> byTtft = beyond.stream().sorted(Comparator.comparing(RequestRecord::ttftMs)).toList();
    double firstEnd = Math.min(byTtft.get(0).e2eMs(), byTtft.get(1).e2eMs());
    assertThat(byTtft.get(2).ttftMs()).isGreaterThan(0.8 * firstEnd);
    assertThat(byTtft.get(3).ttftMs()).isGreaterThan(0.8 * firstEnd);
    double withinMax = within.stream().mapToDouble(RequestRecord::ttftMs).max().orElseThrow();
    assertThat(byTtft.get(3).ttftMs()).isGreaterThan(2 * withinMax);
  }

  @Test
  void should_free_the_slot_when_the_client_gives_up() throws Exception {
    Map<String, Double> before = engine.metrics();
    // 100,000 tokens would keep a slot busy for a minute or more; the client gives up after 1 s
    Timeouts impatient = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(1));
    List<LlmResult> results = send(1, 100_000, impatient);
    assertThat(results.get(0).record().ok()).isFalse();
    assertThat(results.get(0).record().cause()).isEqualTo("timeout");

    RunFiles.await("the engine to cancel the task and free its slot", Duration.ofSeconds(5), () -> {
      Map<String, Double> m = engine.metrics();
      return m.get("llamacpp:requests_processing") == 0
          && delta(before, m, "llmgatling:requests_cancelled_total") == 1;
    });
    Map<String, Double> after = engine.metrics();
    assertThat(delta(before, after, "llmgatling:requests_finished_total")).isZero();
    for (JsonNode slot : JSON.readTree(engine.get("/slots"))) {
      assertThat(slot.path("is_processing").asBoolean()).isFalse();
    }
    // and the slot serves the next request at once
    RequestRecord next = records(send(1, 8, Timeouts.DEFAULT)).get(0);
    assertThat(next.ttftMs()).isLessThan(500);
  }

  @Test
  void should_keep_connections_as_llama_server_does() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", engine.baseUrl().getPort())) {
      for (int i = 1; i <= KEEP_ALIVE_MAX; i++) {
        String head = exchange(socket);
        if (i < KEEP_ALIVE_MAX) {
          assertThat(head).containsIgnoringCase("Keep-Alive: timeout=5, max=" + KEEP_ALIVE_MAX);
        } else {
          assertThat(head).as("response %d", i).containsIgnoringCase("connection: close");
        }
      }
      assertThat(socket.getInputStream().read()).as("closed after the last response").isEqualTo(-1);
    }
    try (Socket socket = new Socket("127.0.0.1", engine.baseUrl().getPort())) {
      exchange(socket);
      long idleFrom = System.nanoTime();
      socket.setSoTimeout(10_000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      double idleSec = (System.nanoTime() - idleFrom) / 1e9;
      assertThat(idleSec).as("idle connection closed after the keep-alive timeout").isBetween(4.5, 6.5);
    }
  }

  /** One {@code GET /health} on an open socket; returns the response head (the body is read and dropped). */
  private static String exchange(Socket socket) throws Exception {
    socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      assertThat(b).as("response head so far: %s", head).isNotEqualTo(-1);
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).isTrue();
    in.readNBytes(Integer.parseInt(length.group(1)));
    return head.toString();
  }

  // ---------------------------------------------------------------- helpers

  private static void awaitIdle() {
    RunFiles.await("the engine to be idle", Duration.ofSeconds(10), () -> {
      Map<String, Double> m = engine.metrics();
      return m.get("llamacpp:requests_processing") == 0 && m.get("llamacpp:requests_deferred") == 0;
    });
  }

  private static List<LlmResult> send(int n, int maxTokens, Timeouts timeouts) throws Exception {
    List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LlmRequest request = new LlmRequest("chat", Dialects.byId("llamacpp"), Operation.CHAT, engine.baseUrl(), null,
          engine.modelId(), List.of(Message.user("Explain how a server queue works, request " + i)), null, null,
          true, maxTokens, Map.of(), timeouts);
      CompletableFuture<LlmResult> future = new CompletableFuture<>();
      client.send(request, System.nanoTime(), future::complete);
      futures.add(future);
    }
    List<LlmResult> results = new ArrayList<>();
    for (CompletableFuture<LlmResult> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  private static List<RequestRecord> records(List<LlmResult> results) {
    List<RequestRecord> records = new ArrayList<>();
    for (LlmResult r : results) {
      assertThat(r.record().ok()).as(r.record().message()).isTrue();
      records.add(r.record());
    }
    return records;
  }

  private static long delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return Math.round(after.get(name) - before.get(name));
  }

  private static long sum(List<JsonNode> records, String field) {
    return records.stream().mapToLong(r -> r.path(field).asLong()).sum();
  }

  private static double sumDouble(List<JsonNode> records, String field) {
    return records.stream().mapToDouble(r -> r.path(field).asDouble()).sum();
  }
}
