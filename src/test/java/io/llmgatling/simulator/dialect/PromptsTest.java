package io.llmgatling.simulator.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PromptsTest {
  private static JsonNode json(String s) throws Exception {
    return Frames.JSON.readTree(s);
  }

  @Test
  void should_count_the_text_of_a_string_content_and_of_text_parts_alike() throws Exception {
    assertThat(Prompts.messageTokens(json("{\"role\":\"user\",\"content\":\"abcdefgh\"}"), 4)).isEqualTo(2);
    assertThat(Prompts.messageTokens(json("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abcd\"},"
        + "{\"type\":\"text\",\"text\":\"efgh\"}]}"), 4)).isEqualTo(2);
  }

  @Test
  void should_charge_an_image_part_by_its_size_within_bounds() throws Exception {
    String small = "data:image/png;base64," + "A".repeat(400);
    String large = "B".repeat(4 * 1024 * 1024);
    assertThat(Prompts.messageTokens(json("{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
        + "{\"url\":\"" + small + "\"}}]}"), 4)).isEqualTo(Prompts.MIN_IMAGE_TOKENS);
    assertThat(Prompts.messageTokens(json("{\"role\":\"user\",\"content\":\"\",\"images\":[\"" + large + "\"]}"), 4))
        .isEqualTo(Prompts.MAX_IMAGE_TOKENS);
    assertThat(Prompts.imageTokens(300 * 1024)).isEqualTo(300);
  }

  @Test
  void should_charge_tool_calls_and_tool_definitions_as_text() throws Exception {
    JsonNode call = json("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":"
        + "{\"name\":\"f\",\"arguments\":{}}}]}");
    assertThat(Prompts.messageTokens(call, 4)).isEqualTo(Prompts.textTokens(call.path("tool_calls").toString(), 4));
    assertThat(Prompts.toolTokens(json("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]"), 4))
        .isPositive();
    assertThat(Prompts.toolTokens(json("[]"), 4)).isZero();
  }
}
