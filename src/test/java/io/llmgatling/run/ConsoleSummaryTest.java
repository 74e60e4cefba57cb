package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {

  @Test
  void should_print_the_servers_own_words_under_each_error_cause() throws Exception {
    JsonNode summary = new ObjectMapper().readTree("""
        {"all": {"requests": 20, "ko": 18, "errors": {"http_400": 18}},
         "errorSamples": {"http_400": [{"message": "the request exceeds the available context size",
           "count": 18, "task": "rag", "model": "qwen3", "first": "x", "last": "y"}]},
         "slo": [], "passed": false}
        """);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ConsoleSummary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), summary, Path.of("results/r1"));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("errors by cause: http_400=18")
        .contains("http_400            18 x the request exceeds the available context size (task rag, model qwen3)");
  }

  private static String printed(String json) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleSummary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), new ObjectMapper().readTree(json),
        Path.of("results/r1"));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void should_say_what_the_warm_up_sent_and_the_cold_load_it_met() throws Exception {
    assertThat(printed("""
        {"all": {"requests": 20, "ko": 0}, "warmup": {"requests": 11, "ko": 1, "coldLoadMs": 3012.4},
         "slo": [], "passed": true}
        """)).contains("warm-up (in no figure above): 11 requests, 1 KO, cold load 3012 ms");
  }

  @Test
  void should_warn_when_the_prompt_cache_served_most_prompt_tokens() throws Exception {
    String warm = printed("""
        {"all": {"requests": 20, "ko": 0, "promptTokens": 18789, "cachedTokens": 10608, "cacheHitRate": 0.5646},
         "slo": [], "passed": true}
        """);
    String cool = printed("""
        {"all": {"requests": 20, "ko": 0, "promptTokens": 1000, "cachedTokens": 100, "cacheHitRate": 0.1},
         "slo": [], "passed": true}
        """);

    assertThat(warm).contains("prompt cache: 56 % of 18789 prompt tokens served from the server's cache (WARNING");
    assertThat(cool).contains("prompt cache: 10 % of 1000").doesNotContain("WARNING");
  }
}
