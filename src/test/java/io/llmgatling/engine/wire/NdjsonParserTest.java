package io.llmgatling.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonParserTest {
  private final List<JsonNode> values = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();
  private final NdjsonParser parser = new NdjsonParser(new NdjsonParser.Listener() {
    @Override
    public void onJson(JsonNode value) {
      values.add(value);
    }

    @Override
    public void onMalformed(String line, String problem) {
      malformed.add(line);
    }
  });

  private static final String STREAM = """
      {"message":{"role":"assistant","content":"héllo"},"done":false}
      {"message":{"role":"assistant","content":" 世界 🎉"},"done":false}
      {"message":{"role":"assistant","content":""},"done":true,"eval_count":2}
      """;

  @Test
  void should_parse_every_line_whatever_the_chunk_size_even_mid_utf8_character() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int chunkSize = 1; chunkSize <= bytes.length; chunkSize++) {
      values.clear();
      NdjsonParser fresh = new NdjsonParser(new NdjsonParser.Listener() {
        @Override
        public void onJson(JsonNode value) {
          values.add(value);
        }

        @Override
        public void onMalformed(String line, String problem) {
          malformed.add(line);
        }
      });
      for (int offset = 0; offset < bytes.length; offset += chunkSize) {
        fresh.feed(bytes, offset, Math.min(chunkSize, bytes.length - offset));
      }
      fresh.finish();
      assertThat(values).as("chunk size %d", chunkSize).hasSize(3);
      assertThat(values.get(0).path("message").path("content").asText()).isEqualTo("héllo");
      assertThat(values.get(1).path("message").path("content").asText()).isEqualTo(" 世界 🎉");
      assertThat(values.get(2).path("done").asBoolean()).isTrue();
    }
    assertThat(malformed).isEmpty();
  }

  @Test
  void should_accept_crlf_line_ends_split_between_chunks_and_skip_blank_lines() {
    feed("{\"a\":1}\r");
    feed("\n\r\n\n{\"a\":2}\r\n");
    assertThat(values).extracting(v -> v.get("a").asInt()).containsExactly(1, 2);
    assertThat(malformed).isEmpty();
  }

  @Test
  void should_parse_a_last_line_without_newline_only_at_finish() {
    feed("{\"a\":1}\n{\"a\":");
    feed("2}");
    assertThat(values).hasSize(1);
    parser.finish();
    assertThat(values).extracting(v -> v.get("a").asInt()).containsExactly(1, 2);
  }

  @Test
  void should_report_an_unparseable_line_and_keep_going() {
    feed("{\"a\":1}\nnot json\n{\"a\":3}\n");
    assertThat(malformed).containsExactly("not json");
    assertThat(values).hasSize(2);
  }

  @Test
  void should_pass_an_error_line_through_as_json() {
    feed("{\"error\":\"model runner crashed\"}\n");
    assertThat(values.get(0).get("error").asText()).isEqualTo("model runner crashed");
  }

  private void feed(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
  }
}
