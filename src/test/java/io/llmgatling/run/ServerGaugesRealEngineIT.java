package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.realengine.EngineProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server gauges (issue 16) read from the real llama.cpp engine's front: its {@code /metrics} and {@code /slots}
 * in llama-server's format, from the engine's own counters, so the gauges can be shown against a real engine.
 */
class ServerGaugesRealEngineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EngineProcess engine;

  @BeforeAll
  static void start() {
    engine = EngineProcess.start("--slots", "2", "--layers", "2", "--dim", "64");
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void should_read_the_real_engines_slots_and_counters_while_it_generates() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body = "{\"model\":\"" + engine.modelId() + "\",\"stream\":true,\"max_tokens\":100000,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    CompletableFuture<HttpResponse<Void>> running = http.sendAsync(HttpRequest.newBuilder(
            URI.create(engine.baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding());
    try {
      ObjectNode slots = JSON.createObjectNode();
      ObjectNode metrics = JSON.createObjectNode();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      do {
        assertThat(ServerGauges.read("/slots", engine.get("/slots"), slots)).isTrue();
        assertThat(ServerGauges.read("/metrics", engine.get("/metrics"), metrics)).isTrue();
        // tokens_predicted_total grows when a request ends (as llama-server's does), so it cannot be waited for
        // while the one request runs: the loop waits for the busy slot the request holds, seen by both endpoints
      } while ((slots.path("busySlots").asInt() < 1 || metrics.path("requestsProcessing").asDouble() < 1)
          && System.nanoTime() < deadline && pause());

      assertThat(slots.path("slots").asInt()).isEqualTo(2);
      assertThat(slots.path("busySlots").asInt()).isEqualTo(1);
      assertThat(metrics.path("requestsProcessing").asDouble()).isEqualTo(1);
      assertThat(metrics.path("requestsDeferred").asDouble()).isZero();
      assertThat(metrics.has("promptTokensTotal")).isTrue();
      assertThat(metrics.has("tokensPredictedTotal")).isTrue();
    } finally {
      running.cancel(true);
    }
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(50); // polling a condition the engine reaches on its own
    return true;
  }
}
