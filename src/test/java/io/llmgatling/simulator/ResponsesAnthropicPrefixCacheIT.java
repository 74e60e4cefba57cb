package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The prefix cache sees the prompt of a Responses request ({@code instructions} + {@code input} items) and of an
 * Anthropic request (top-level {@code system} + {@code messages}): a repeated prompt reports its cached tokens in
 * each API's usage, a different one reports none.
 */
class ResponsesAnthropicPrefixCacheIT {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private void start() {
    ModelSpec model = ModelSpec.llm("m", "llama", "1B", 1, 1000, 4096, 64);
    model = new ModelSpec(model.name(), model.kind(), 100_000, 1000, 0, 4096, 64, null, null, null, 1, null, null,
        null, ModelSpec.CACHE_PROMPT);
    sim = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().port(0).slots(1).jitter(0)
        .models(List.of(model)).build());
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
        .header("x-api-key", "sk-local").header("anthropic-version", "2023-06-01").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void should_report_the_cached_prompt_of_a_repeated_responses_request() throws Exception {
    start();
    String body = "{\"model\":\"m\",\"max_output_tokens\":4,\"instructions\":\"You answer in one short sentence.\","
        + "\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
        + "\"text\":\"What does a slot of a server hold?\"}]}]}";
    JsonNode cold = post("/v1/responses", body);
    JsonNode warm = post("/v1/responses", body);
    JsonNode other = post("/v1/responses", body.replace("slot of a server", "queue of a router"));

    assertThat(cold.at("/usage/input_tokens_details/cached_tokens").asInt()).isZero();
    int prompt = warm.at("/usage/input_tokens").asInt();
    assertThat(warm.at("/usage/input_tokens_details/cached_tokens").asInt()).isEqualTo(prompt - 1);
    assertThat(other.at("/usage/input_tokens_details/cached_tokens").asInt()).isLessThan(prompt - 1);
  }

  @Test
  void should_report_the_cached_prompt_of_a_repeated_anthropic_request() throws Exception {
    start();
    String body = "{\"model\":\"m\",\"max_tokens\":4,\"system\":\"You answer in one short sentence.\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What does a slot of a server hold?\"}]}";
    JsonNode cold = post("/v1/messages", body);
    JsonNode warm = post("/v1/messages", body);

    assertThat(cold.at("/usage/cache_read_input_tokens").asInt()).isZero();
    int cached = warm.at("/usage/cache_read_input_tokens").asInt();
    int prompt = warm.at("/usage/input_tokens").asInt() + cached;
    assertThat(prompt).isEqualTo(cold.at("/usage/input_tokens").asInt());
    assertThat(cached).isEqualTo(prompt - 1);
  }
}
