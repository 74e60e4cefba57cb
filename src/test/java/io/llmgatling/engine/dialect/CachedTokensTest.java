package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Prompt and cached token counts per API, read from byte fixtures under {@code src/test/resources/wire/}:
 * {@code promptTokens} is always the whole prompt, {@code cachedTokens} the part the server served from its cache
 * (null when the API does not say).
 */
class CachedTokensTest {

  private static String fixture(String path) throws IOException {
    try (InputStream in = CachedTokensTest.class.getResourceAsStream("/wire/" + path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every {@code data:} payload of an SSE fixture through the dialect, as the client reads a stream. */
  private static ResponseAccumulator readSse(Dialect dialect, String path) throws IOException {
    ResponseAccumulator acc = new ResponseAccumulator();
    for (String line : fixture(path).split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        dialect.readChunk(Json.MAPPER.readTree(line.substring(6)), acc);
      }
    }
    return acc;
  }

  private static ResponseAccumulator readBody(Dialect dialect, String path) throws IOException {
    ResponseAccumulator acc = new ResponseAccumulator();
    dialect.readBody(Json.MAPPER.readTree(fixture(path)), acc);
    return acc;
  }

  @Test
  void should_read_openai_cached_tokens_from_usage_prompt_tokens_details() throws Exception {
    ResponseAccumulator acc = readSse(Dialects.byId("openai"), "openai/chat-stream-reasoning.sse");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.cachedTokens()).isEqualTo(8);
  }

  @Test
  void should_read_llama_server_whole_prompt_and_cached_part_from_usage_and_timings_alike() throws Exception {
    ResponseAccumulator acc = readBody(Dialects.byId("llamacpp"), "llamacpp/chat-cached.json");
    assertThat(acc.promptTokens()).isEqualTo(412);
    assertThat(acc.cachedTokens()).isEqualTo(384);
    // the evaluated part is what remains: prompt_n
    assertThat(acc.promptTokens() - acc.cachedTokens()).isEqualTo(28);
  }

  @Test
  void should_count_the_whole_prompt_as_prompt_n_plus_cache_n_when_llama_server_sends_no_usage() throws Exception {
    ResponseAccumulator acc = readSse(Dialects.byId("llamacpp"), "llamacpp/chat-stream-cached-no-usage.sse");
    assertThat(acc.promptTokens()).isEqualTo(28 + 384);
    assertThat(acc.cachedTokens()).isEqualTo(384);
  }

  @Test
  void should_leave_cached_tokens_unknown_when_an_openai_usage_has_no_details() throws Exception {
    ResponseAccumulator acc = readBody(Dialects.byId("openai"), "openai/chat-reasoning-usage.json");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.cachedTokens()).isNull();
  }

  @Test
  void should_leave_cached_tokens_unknown_for_lm_studio_and_ollama() throws Exception {
    ResponseAccumulator lmStudio = readBody(Dialects.byId("lmstudio"), "openai/chat-reasoning-usage.json");
    assertThat(lmStudio.cachedTokens()).isNull();
    ResponseAccumulator ollama = new ResponseAccumulator();
    for (String line : fixture("ollama/chat-stream-thinking.ndjson").split("\n")) {
      if (!line.isBlank()) {
        Dialects.byId("ollama").readChunk(Json.MAPPER.readTree(line), ollama);
      }
    }
    assertThat(ollama.promptTokens()).isNotNull();
    assertThat(ollama.cachedTokens()).isNull();
  }
}
