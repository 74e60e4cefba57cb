package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.workload.Trace;
import io.llmgatling.workload.TracePrompts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trace prompts sharing leading {@code hash_ids} blocks share a prefix that a server's prompt cache reuses. */
class TracePrefixCacheIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private JsonNode chat(String prompt) throws Exception {
    String body = "{\"model\":\"m\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":"
        + JSON.writeValueAsString(prompt) + "}]}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sim.port() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void should_let_the_server_cache_the_blocks_two_trace_requests_share() throws Exception {
    ModelSpec model = ModelSpec.llm("m", "llama", "1B", 1, 1000, 8192, 64);
    model = new ModelSpec(model.name(), model.kind(), 1_000_000, 1000, 0, 8192, 64, null, null, null, 1, null, null,
        null, ModelSpec.CACHE_PROMPT);
    sim = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().port(0).slots(1).jitter(0)
        .models(List.of(model)).build());
    // an agent's 3-block system prompt (1,536 tokens), then blocks of each request's own
    Trace.Request first = new Trace.Request(1, 0, 1700, 4, List.of("0", "1", "2", "1000"), null);
    Trace.Request second = new Trace.Request(2, 10, 1900, 4, List.of("0", "1", "2", "1001"), null);

    JsonNode cold = chat(TracePrompts.prompt(first, 512, 42));
    JsonNode warm = chat(TracePrompts.prompt(second, 512, 42));

    assertThat(cold.path("usage").path("prompt_tokens").asInt()).isEqualTo(1700);
    assertThat(cold.path("timings").path("cache_n").asInt()).isZero();
    assertThat(warm.path("usage").path("prompt_tokens").asInt()).isEqualTo(1900);
    // the three shared blocks (plus the message's "user:" line start, and a word the two own blocks may share)
    assertThat(warm.path("timings").path("cache_n").asInt()).isBetween(3 * 512, 3 * 512 + 5);
  }
}
