package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The official {@code @anthropic-ai/sdk} npm client ({@code messages.create} streamed and not, the
 * {@code messages.stream()} helper with {@code finalMessage()} / {@code finalText()}) reads the simulator's
 * {@code /v1/messages} unchanged: {@code src/test/node/anthropic-client-check.mjs}.
 */
class AnthropicSdkIT {

  @Test
  void should_serve_the_official_anthropic_client_streamed_and_not() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).loadTimeMs(20)
        .rates(50_000, 2000, 0.05).build())) {
      String out = NodeChecks.run("@anthropic-ai/sdk", "anthropic-client-check.mjs", sim.baseUrl().toString(),
          "llama3.2:3b");
      JsonNode r = Json.MAPPER.readTree(out);

      assertThat(r.at("/create/type").asText()).isEqualTo("message");
      assertThat(r.at("/create/role").asText()).isEqualTo("assistant");
      assertThat(r.at("/create/text").asText()).isNotBlank();
      assertThat(r.at("/create/blocks").toString()).isEqualTo("[\"text\"]");
      assertThat(r.at("/create/stop_reason").asText()).isEqualTo("max_tokens"); // max_tokens 8 < natural length
      assertThat(r.at("/create/usage/output_tokens").asInt()).isEqualTo(8);
      assertThat(r.at("/create/usage/input_tokens").asInt()).isPositive();

      // the SDK's event iterator drops the ping the simulator sends after message_start
      assertThat(r.at("/createStream/order").toString()).isEqualTo("[\"message_start\","
          + "\"content_block_start\",\"content_block_delta\",\"content_block_stop\",\"message_delta\","
          + "\"message_stop\"]");
      assertThat(r.at("/createStream/output_tokens").asInt()).isEqualTo(6);
      assertThat(r.at("/createStream/text").asText()).isNotBlank();

      assertThat(r.at("/stream/textEvents").asInt()).isEqualTo(6);
      assertThat(r.at("/stream/finalText").asText()).isEqualTo(r.at("/stream/text").asText()).isNotBlank();
      assertThat(r.at("/stream/usage/output_tokens").asInt()).isEqualTo(6);

      assertThat(r.at("/notFound/status").asInt()).isEqualTo(404);
      assertThat(r.at("/notFound/type").asText()).isEqualTo("not_found_error");
      assertThat(r.at("/sdkLogs").size()).isZero();
    }
  }
}
