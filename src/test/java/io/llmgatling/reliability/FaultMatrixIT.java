package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.Faults;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every fault of the target, injected by the simulator, ends through the whole pipeline (Gatling, the action, the
 * run, the reports) as a KO with the SPEC cause and a message saying what happened; the summary counts exactly
 * the faults injected; the run finishes and writes its summary and report.
 *
 * <p>The test owns the simulator (as an external {@code ollama} target) so that it can read its truth: every
 * request carries its record id as {@code X-Request-Id}, which joins each record with the fault the simulator
 * really injected into it.
 */
class FaultMatrixIT {
  private static final String MODEL = "llama3.2:3b";
  /**
   * Client timeouts far below the injected delays, so that a slow or stalled answer is a timeout at once; and far
   * above a healthy answer's first byte even on a loaded 2-core machine (at 300 ms, an error line once came late
   * enough to be a timeout while four builds shared the cores).
   */
  private static final String TIMEOUT = "800ms";
  private static final long INJECTED_DELAY_MS = 2000;

  /** The SPEC cause each simulator fault must end as. */
  private static final Map<String, String> CAUSE_OF_FAULT = Map.of(
      Faults.ERROR, "http_500",
      Faults.BUSY, "http_503",
      Faults.SLOW_HEADERS, "timeout",
      Faults.STALL, "timeout",
      Faults.DISCONNECT, "stream_dropped",
      Faults.ERROR_LINE, "stream_error",
      Faults.MALFORMED, "malformed");

  /** What the message of each fault's KO must say. */
  private static final Map<String, String> MESSAGE_OF_FAULT = Map.of(
      Faults.ERROR, "HTTP 500 from http://127.0.0.1:",
      Faults.BUSY, "HTTP 503 from http://127.0.0.1:",
      Faults.SLOW_HEADERS, "no first token within the first-token timeout of 800 ms",
      Faults.STALL, "over the idle timeout of 800 ms between chunks",
      Faults.DISCONNECT, "closed after",
      Faults.ERROR_LINE, "error inside the stream from http://127.0.0.1:",
      Faults.MALFORMED, "unparseable NDJSON line");

  private LlmSimulator sim;

  @AfterEach
  void stopSimulator() {
    if (sim != null) {
      sim.close();
    }
  }

  private LlmSimulator startSimulator(Faults faults) {
    sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().host("127.0.0.1").port(0)
        .loadTimeMs(0).slots(64).truthLimit(100_000).seed(7).faults(faults).build());
    return sim;
  }

  private Map<String, String> against(LlmSimulator target, String... more) {
    Map<String, String> props = new HashMap<>(Map.of(
        "llm.target", "ollama", "llm.baseUrl", target.baseUrl().toString(), "llm.model", MODEL,
        "llm.mix", "chat", "llm.slo", "none", "llm.maxTokens", "8",
        "llm.timeout.firstToken", TIMEOUT, "llm.timeout.idle", TIMEOUT));
    for (int i = 0; i < more.length; i += 2) {
      props.put(more[i], more[i + 1]);
    }
    return props;
  }

  @Test
  void should_count_every_injected_simulator_fault_as_a_ko_with_its_cause_and_message() {
    double each = 0.12;
    startSimulator(new Faults(each, each, each, INJECTED_DELAY_MS, each, INJECTED_DELAY_MS, each, each, each));

    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        against(sim, "llm.duration", "4s", "llm.rate", "10"));

    Path dir = outcome.resultsDir();
    assertFinishedWithReports(dir);
    List<JsonNode> records = RunFiles.records(dir);
    // a KO closes the connection; the simulator records that request once it sees the close
    RunFiles.await("the simulator's truth of every request", Duration.ofSeconds(5),
        () -> truthById().keySet().containsAll(records.stream().map(r -> r.path("id").asText()).toList()));
    Map<String, RequestTruth> truth = truthById();

    Map<String, Long> expected = new TreeMap<>();
    Map<String, Long> injected = new TreeMap<>();
    for (JsonNode record : records) {
      String fault = truth.get(record.path("id").asText()).fault();
      if (fault == null) {
        assertThat(record.path("ok").asBoolean()).as("request without fault: %s", record).isTrue();
        continue;
      }
      injected.merge(fault, 1L, Long::sum);
      expected.merge(CAUSE_OF_FAULT.get(fault), 1L, Long::sum);
      assertThat(record.path("ok").asBoolean()).as("request with fault %s", fault).isFalse();
      assertThat(record.path("cause").asText()).as("cause of fault %s", fault).isEqualTo(CAUSE_OF_FAULT.get(fault));
      assertThat(record.path("message").asText()).as("message of fault %s", fault)
          .contains(MESSAGE_OF_FAULT.get(fault));
    }
    // the seeded draws of a run this long hit every fault at least once
    assertThat(injected).containsOnlyKeys(CAUSE_OF_FAULT.keySet());
    JsonNode all = RunFiles.summary(dir).path("all");
    assertThat(all.path("requests").asLong()).isEqualTo(records.size());
    assertThat(all.path("ko").asLong()).isEqualTo(injected.values().stream().mapToLong(Long::longValue).sum());
    assertThat(errors(all)).isEqualTo(expected);
  }

  @Test
  void should_count_an_unknown_model_as_http_404_naming_the_model() {
    startSimulator(Faults.NONE);

    Path dir = probe("probe.model", "no-such-model:1b");

    assertEveryRequestFailedWith(dir, "http_404", "HTTP 404 from http://127.0.0.1:", "no-such-model:1b");
  }

  @Test
  void should_count_a_prompt_over_the_context_as_http_400_with_the_servers_reason() {
    // llama-server refuses a prompt longer than its context (Ollama cuts it instead: SimulatorHttpIT)
    String small = "tiny-context-1b";
    sim = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().host("127.0.0.1").port(0)
        .loadTimeMs(0).truthLimit(100_000).models(List.of(
            ModelSpec.llm(small, "llama", "1B", 1_000_000_000L, 100, 64, 2048))).build());

    // 400 characters = 100 prompt tokens, over a 64-token context
    Path dir = probe("llm.target", "llamacpp", "llm.model", small, "probe.promptChars", "400");

    assertEveryRequestFailedWith(dir, "http_400", "HTTP 400 from http://127.0.0.1:",
        "the request exceeds the available context size");
  }

  @Test
  void should_count_an_answer_over_the_clients_byte_limit_as_malformed() {
    startSimulator(Faults.NONE);

    Path dir = probe("probe.maxResponseBytes", "200");

    assertEveryRequestFailedWith(dir, "malformed", "exceeds the limit of 200 bytes (maxResponseBytes)");
  }

  @Test
  void should_count_requests_after_the_server_went_away_as_connect_and_still_finish_the_run() {
    startSimulator(Faults.NONE);
    LlmSimulator target = sim;
    // the server dies mid-run, once it has answered a few requests
    Thread killer = new Thread(() -> {
      RunFiles.await("a few answered requests", Duration.ofSeconds(20),
          () -> target.truth().stream().filter(t -> t.requestId() != null).count() >= 3);
      target.close();
    });
    killer.start();

    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        against(target, "llm.duration", "3s", "llm.rate", "6"));

    Path dir = outcome.resultsDir();
    assertFinishedWithReports(dir);
    List<JsonNode> records = RunFiles.records(dir);
    Map<String, RequestTruth> truth = truthById();
    long connect = 0;
    for (JsonNode record : records) {
      boolean reached = truth.containsKey(record.path("id").asText());
      if (!reached) {
        // never reached the server: refused
        assertThat(record.path("cause").asText()).isEqualTo("connect");
        assertThat(record.path("message").asText())
            .isEqualTo("cannot connect to " + target.baseUrl() + ": Connection refused");
        connect++;
      } else if (!record.path("ok").asBoolean()) {
        // in flight when the server closed its connections
        assertThat(record.path("cause").asText()).isEqualTo("stream_dropped");
      }
    }
    assertThat(connect).isPositive();
    JsonNode all = RunFiles.summary(dir).path("all");
    assertThat(all.path("requests").asLong()).isEqualTo(records.size());
    assertThat(all.path("errors").path("connect").asLong()).isEqualTo(connect);
  }

  private Path probe(String... properties) {
    Map<String, String> props = against(sim, properties);
    GatlingRun.Outcome outcome = GatlingRun.run(ProbeSimulation.class.getName(), props);
    assertFinishedWithReports(outcome.resultsDir());
    return outcome.resultsDir();
  }

  private static void assertEveryRequestFailedWith(Path dir, String cause, String... messageParts) {
    List<JsonNode> records = RunFiles.records(dir);
    assertThat(records).hasSize(3);
    for (JsonNode record : records) {
      assertThat(record.path("ok").asBoolean()).isFalse();
      assertThat(record.path("cause").asText()).isEqualTo(cause);
      assertThat(record.path("message").asText()).contains(messageParts);
    }
    JsonNode all = RunFiles.summary(dir).path("all");
    assertThat(all.path("ko").asLong()).isEqualTo(3);
    assertThat(errors(all)).isEqualTo(Map.of(cause, 3L));
  }

  private static void assertFinishedWithReports(Path dir) {
    assertThat(dir).as("results folder").isNotNull();
    assertThat(dir.resolve("summary.json")).isRegularFile();
    assertThat(dir.resolve("index.html")).isRegularFile();
    assertThat(dir.resolve("run.json")).isRegularFile();
  }

  private static Map<String, Long> errors(JsonNode stats) {
    Map<String, Long> errors = new TreeMap<>();
    stats.path("errors").fields().forEachRemaining(e -> errors.put(e.getKey(), e.getValue().asLong()));
    return errors;
  }

  private Map<String, RequestTruth> truthById() {
    return sim.truth().stream().filter(t -> t.requestId() != null)
        .collect(Collectors.toMap(RequestTruth::requestId, t -> t, (a, b) -> b));
  }
}
