package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client's Responses API ({@code responses.create} streamed and not, the
 * {@code responses.stream()} helper that rebuilds the response from the events and throws on any it does not
 * expect) reads the simulator's {@code /v1/responses} unchanged: {@code src/test/node/openai-responses-check.mjs}.
 */
class ResponsesSdkIT {

  @Test
  void should_serve_the_official_openai_client_responses_api_streamed_and_not() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).loadTimeMs(20)
        .rates(50_000, 2000, 0.05).build())) {
      String out = NodeChecks.run("openai", "openai-responses-check.mjs", sim.baseUrl().toString(), "llama3.2:3b");
      JsonNode r = Json.MAPPER.readTree(out);

      assertThat(r.at("/create/object").asText()).isEqualTo("response");
      assertThat(r.at("/create/output_text").asText()).isNotBlank();
      assertThat(r.at("/create/output_types").toString()).isEqualTo("[\"message\"]");
      assertThat(r.at("/create/status").asText()).isEqualTo("incomplete"); // max_output_tokens 8 < natural length
      assertThat(r.at("/create/usage/output_tokens").asInt()).isEqualTo(8);
      assertThat(r.at("/create/usage/input_tokens").asInt()).isPositive();

      assertThat(r.at("/createStream/first").asText()).isEqualTo("response.created");
      assertThat(r.at("/createStream/last").asText()).isEqualTo("response.incomplete");
      assertThat(r.at("/createStream/deltas").asInt()).isEqualTo(6);
      assertThat(r.at("/createStream/usage/output_tokens").asInt()).isEqualTo(6);
      // the terminal event repeats the text the deltas carried
      assertThat(r.at("/createStream/completedText").asText()).isEqualTo(r.at("/createStream/text").asText());

      assertThat(r.at("/stream/output_text").asText()).isNotBlank();
      assertThat(r.at("/stream/sequenceIncreasing").asBoolean()).isTrue();

      assertThat(r.at("/notFound/status").asInt()).isEqualTo(404);
      assertThat(r.at("/notFound/code").asText()).isEqualTo("model_not_found");
      assertThat(r.at("/sdkLogs").size()).isZero();
    }
  }
}
