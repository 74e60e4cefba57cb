package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's llama-server gauges (/metrics, /slots) and Ollama's /api/ps, read back by the run's poller. */
class ServerGaugesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private LlmSimulator sim;

  @TempDir
  Path runDir;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void should_read_busy_slots_deferred_requests_token_counters_and_vram_from_the_simulator() throws Exception {
    // one slot, 20 tokens/s: three 30-token requests hold the slot 1.5 s each, two wait
    sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).slots(1).loadTimeMs(10)
        .jitter(0).rates(100_000, 20, 0.05).build());
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (ResourceLog log = ResourceLog.open(runDir);
         ServerGauges gauges = ServerGauges.start(BaseUrl.of(sim.baseUrl()), null, false, log,
             Duration.ofMillis(100))) {
      for (int i = 0; i < 3; i++) {
        answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/generate"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"llama3.2:3b\",\"prompt\":\"count to ten please\","
                + "\"stream\":false,\"options\":{\"num_predict\":30}}")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      JsonNode busy = awaitLine(s -> s.path("busySlots").asInt() == 1 && s.path("requestsDeferred").asInt() == 2);
      assertThat(busy.path("slots").asInt()).isEqualTo(1);
      assertThat(busy.path("requestsProcessing").asInt()).isEqualTo(1);
      assertThat(busy.path("loadedModels").asInt()).isEqualTo(1);
      assertThat(busy.path("loadedInstances").asInt()).isEqualTo(1);
      assertThat(busy.path("vramMb").asDouble()).isGreaterThan(1000.0); // the model spec's size
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
      JsonNode done = awaitLine(s -> s.path("tokensPredictedTotal").asInt() == 90);
      assertThat(done.path("promptTokensTotal").asInt()).isGreaterThan(0);
      assertThat(done.path("busySlots").asInt()).isZero();
      // the simulator serves every API: LM Studio's REST v1 model list too (its loaded instances)
      assertThat(gauges.answering()).containsExactly("/metrics", "/slots", "/api/ps", "/api/v1/models");
    }
  }

  /** Waits (at most 20 s) for a server line of resources.jsonl matching {@code wanted}. */
  private JsonNode awaitLine(Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(runDir.resolve(ResourceLog.FILE_NAME))) {
        JsonNode sample = JSON.readTree(line);
        if (wanted.test(sample)) {
          assertThat(sample.path("source").asText()).isEqualTo("server");
          return sample;
        }
      }
      Thread.sleep(50); // polling a file the poller appends to
    }
    throw new AssertionError("no matching sample in " + Files.readString(runDir.resolve(ResourceLog.FILE_NAME)));
  }
}
