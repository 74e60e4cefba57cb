package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reasoning as the accumulator counts it: thinking chunks, answer chunks, think tags in content, server counts. */
class ResponseAccumulatorReasoningTest {

  private static ResponseAccumulator content(String... deltas) {
    ResponseAccumulator acc = new ResponseAccumulator();
    for (String d : deltas) {
      acc.token(d);
    }
    return acc;
  }

  @Test
  void should_count_thinking_and_answer_chunks_apart() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("The");
    acc.reasoning(" user");
    acc.token("Blue");

    assertThat(acc.reasoningChunks()).isEqualTo(2);
    assertThat(acc.answerChunks()).isEqualTo(1);
    assertThat(acc.contentChunks()).isEqualTo(3);
  }

  @Test
  void should_read_a_think_block_in_the_content_as_reasoning_and_keep_only_the_answer_text() {
    // llama-server's /completion (and a server that does not parse the thinking out) send the tags as content
    ResponseAccumulator acc = content("<think>", "The", " user", "</think>", "\n\n", "Blue", ".");

    assertThat(acc.reasoningChunks()).isEqualTo(5);
    assertThat(acc.answerChunks()).isEqualTo(2);
    assertThat(acc.contentChunks()).isEqualTo(7);
    assertThat(acc.text()).isEqualTo("Blue.");
  }

  @Test
  void should_take_the_answer_after_a_closing_tag_in_the_same_chunk() {
    ResponseAccumulator acc = content("<think>Hmm", ".</think>\n\nBlue", ".");

    assertThat(acc.reasoningChunks()).isEqualTo(1);
    assertThat(acc.answerChunks()).isEqualTo(2);
    assertThat(acc.text()).isEqualTo("Blue.");
  }

  @Test
  void should_leave_an_answer_that_does_not_open_with_a_think_tag_alone() {
    ResponseAccumulator acc = content("Use", " <think>", " tags");

    assertThat(acc.reasoningChunks()).isZero();
    assertThat(acc.answerChunks()).isEqualTo(3);
    assertThat(acc.text()).isEqualTo("Use <think> tags");
  }

  @Test
  void should_count_an_unclosed_think_block_as_reasoning_only() {
    ResponseAccumulator acc = content("<think>", "The", " user");

    assertThat(acc.reasoningChunks()).isEqualTo(3);
    assertThat(acc.answerChunks()).isZero();
    assertThat(acc.text()).isEmpty();
  }

  @Test
  void should_read_the_reasoning_count_of_an_openai_usage() throws IOException {
    JsonNode body = Json.MAPPER.readTree(Files.readString(Path.of("src/test/resources/wire/openai/chat-reasoning-usage.json")));
    ResponseAccumulator acc = new ResponseAccumulator();

    Dialects.byId("openai").readBody(body, acc);

    assertThat(acc.serverReasoningTokens()).isEqualTo(7);
    assertThat(acc.serverOutputTokens()).isEqualTo(10);
    assertThat(acc.reasoningChunks()).isEqualTo(1);
    assertThat(acc.text()).isEqualTo("Rayleigh scattering.");
  }

  @Test
  void should_read_ollamas_v1_reasoning_field_in_a_whole_answer() throws IOException {
    JsonNode body = Json.MAPPER.readTree("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"Blue.\",\"reasoning\":\"The user asks.\"}}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":6}}");
    ResponseAccumulator acc = new ResponseAccumulator();

    Dialects.byId("openai").readBody(body, acc);

    assertThat(acc.reasoningChunks()).isEqualTo(1);
    assertThat(acc.text()).isEqualTo("Blue.");
    assertThat(acc.serverReasoningTokens()).isNull();
  }
}
