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

/** A model with a per-slot prefix cache ({@code prefixCache}) reports the reused prompt tokens as llama-server does. */
class SimulatorPrefixCacheIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private JsonNode chat(String messages) throws Exception {
    String body = "{\"model\":\"m\",\"max_tokens\":4,\"messages\":" + messages + "}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sim.port() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /**
   * A simulator with one slot and a model keeping its prompt ({@code prefixCache prompt}): a first turn is under
   * half of what its slot keeps with the answer, so with several slots the follow-up would get the least recently
   * used one.
   */
  private void startOneSlot(double messageTokens) {
    ModelSpec model = ModelSpec.llm("m", "llama", "1B", 1, 1000, 4096, 64);
    model = new ModelSpec(model.name(), model.kind(), 100_000, 1000, 0, 4096, 64, null, null, null, 1, null, null,
        null, ModelSpec.CACHE_PROMPT);
    sim = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().port(0).slots(1).jitter(0)
        .messageTokens(messageTokens).models(List.of(model)).build());
  }

  @Test
  void should_report_the_prompt_tokens_a_follow_up_turn_found_in_its_slot() throws Exception {
    startOneSlot(0);
    String first = "[{\"role\":\"system\",\"content\":\"You answer in one short sentence.\"},"
        + "{\"role\":\"user\",\"content\":\"What does a slot of a server hold?\"}]";

    JsonNode cold = chat(first);
    String answer = cold.path("choices").get(0).path("message").path("content").asText();
    JsonNode warm = chat(first.substring(0, first.length() - 1) + ",{\"role\":\"assistant\",\"content\":"
        + JSON.writeValueAsString(answer) + "},{\"role\":\"user\",\"content\":\"And why?\"}]");

    assertThat(cold.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isZero();
    assertThat(cold.path("timings").path("cache_n").asInt()).isZero();
    int promptTokens = warm.path("usage").path("prompt_tokens").asInt();
    int cached = warm.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt();
    // the first turn's messages (18 tokens at 4 characters a token), not its answer (prefixCache prompt)
    assertThat(cached).isBetween(15, promptTokens - 1);
    assertThat(warm.path("timings").path("cache_n").asInt()).isEqualTo(cached);
    assertThat(warm.path("timings").path("prompt_n").asInt()).isEqualTo(promptTokens - cached);
  }
  @Test
  void should_count_each_messages_template_tokens_and_reuse_those_its_slot_held() throws Exception {
    startOneSlot(10);
    String first = "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi!\"}]";

    JsonNode cold = chat(first);
    String answer = cold.path("choices").get(0).path("message").path("content").asText();
    JsonNode warm = chat(first.substring(0, first.length() - 1) + ",{\"role\":\"assistant\",\"content\":"
        + JSON.writeValueAsString(answer) + "},{\"role\":\"user\",\"content\":\"Why?\"}]");

    // "Be brief." 9 characters, 3 tokens at 4 a token (rounded up); "Hi!" 1; two messages of 10 template tokens
    assertThat(cold.path("usage").path("prompt_tokens").asInt()).isEqualTo(3 + 1 + 20);
    // the first turn's two messages held whole by the slot: their 26 characters as the cache keeps them
    // ("system:Be brief.\nuser:Hi!\n", 6 tokens) and their template tokens
    int cached = warm.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt();
    assertThat(cached).isEqualTo(6 + 20);
    assertThat(warm.path("usage").path("prompt_tokens").asInt()).isGreaterThan(cached + 20);
  }
}
