package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The console's reasoning line and its reasoning-only warning. */
class ConsoleSummaryReasoningTest {
  private static final String PCT = "{\"p50\":%s,\"p90\":1,\"p95\":%s,\"p99\":1,\"max\":1,\"mean\":1}";

  private static String print(String allExtras) throws Exception {
    JsonNode summary = Json.MAPPER.readTree("{\"all\":{\"requests\":10,\"ko\":0,\"errors\":{},"
        + "\"ttftMs\":" + PCT.formatted(100, 120) + ",\"itlMs\":" + PCT.formatted(10, 12) + ",\"e2eMs\":"
        + PCT.formatted(900, 1000) + allExtras + "},\"passed\":true,\"slo\":[]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ConsoleSummary.print(new PrintStream(out, true, StandardCharsets.UTF_8), summary, Path.of("results/r"));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void should_print_reasoning_tokens_and_first_answer_against_first_token() throws Exception {
    String console = print(",\"ttfaMs\":" + PCT.formatted(700, 850) + ",\"reasoningTokens\":750,"
        + "\"answerTokens\":250,\"reasoningOnly\":0");

    assertThat(console).contains("reasoning: 750 reasoning tokens, 250 answer tokens (75.0 % thinking); first answer"
        + " TTFA p50/p95 700/850 ms vs first token TTFT p50/p95 100/120 ms").doesNotContain("WARNING");
  }

  @Test
  void should_warn_of_requests_that_thought_until_their_limit() throws Exception {
    String console = print(",\"ttfaMs\":" + PCT.formatted(700, 850) + ",\"reasoningTokens\":1280,"
        + "\"answerTokens\":0,\"reasoningOnly\":10");

    assertThat(console).contains("WARNING: 10 request(s) reached their token limit while still reasoning and got no"
        + " answer (reasoningOnly, cause budget_exhausted; OK, not errors): raise llm.maxTokens or lower llm.think");
  }

  @Test
  void should_print_nothing_about_reasoning_for_a_model_that_does_not_reason() throws Exception {
    assertThat(print(",\"reasoningTokens\":0,\"answerTokens\":90,\"reasoningOnly\":0")).doesNotContain("reasoning:")
        .doesNotContain("WARNING");
  }
}
