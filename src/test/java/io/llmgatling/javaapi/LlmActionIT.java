package io.llmgatling.javaapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DSL through Gatling's launcher against the embedded simulator: what each feature does to the records. */
class LlmActionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<JsonNode> records;
  private static JsonNode summary;

  @BeforeAll
  static void run() throws Exception {
    GatlingRun.Outcome outcome = GatlingRun.run(DslFeaturesSimulation.class.getName(),
        Map.of("llm.slo", "none"));
    assertThat(outcome.resultsDir()).isNotNull();
    try (var lines = Files.lines(outcome.resultsDir().resolve("requests.jsonl"))) {
      records = lines.filter(l -> !l.isBlank()).map(LlmActionIT::parse).toList();
    }
    summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonNode> task(String name) {
    return records.stream().filter(r -> r.path("task").asText().equals(name)).toList();
  }

  @Test
  void should_carry_the_saved_answer_and_the_history_into_the_next_turn() {
    List<JsonNode> first = task("turn-1");
    List<JsonNode> second = task("turn-2");
    assertThat(first).hasSize(DslFeaturesSimulation.USERS).allMatch(r -> r.path("ok").asBoolean());
    assertThat(second).hasSize(DslFeaturesSimulation.USERS).allMatch(r -> r.path("ok").asBoolean());
    // turn 2 sends system + turn-1 question + answer + the new question that quotes the answer
    int shortestSecond = second.stream().mapToInt(r -> r.path("promptTokens").asInt()).min().orElseThrow();
    int longestFirst = first.stream().mapToInt(r -> r.path("promptTokens").asInt()).max().orElseThrow();
    assertThat(shortestSecond).isGreaterThan(longestFirst);
    assertThat(first).allMatch(r -> r.path("outputTokens").asInt() <= 16);
    assertThat(first).allMatch(r -> r.path("stream").asBoolean() && r.has("ttftMs"));
  }

  @Test
  void should_check_embeddings_and_time_non_streamed_answers_without_ttft() {
    assertThat(task("embed")).hasSize(DslFeaturesSimulation.USERS)
        .allMatch(r -> r.path("ok").asBoolean() && r.path("operation").asText().equals("embed"));
    assertThat(task("generate")).hasSize(DslFeaturesSimulation.USERS)
        .allMatch(r -> r.path("ok").asBoolean() && !r.path("stream").asBoolean() && !r.has("ttftMs")
            && r.path("outputTokens").asInt() <= 8);
  }

  @Test
  void should_turn_a_failed_check_into_a_ko_with_cause_check() {
    List<JsonNode> failed = task("bad-check");
    assertThat(failed).hasSize(DslFeaturesSimulation.USERS).allMatch(r -> !r.path("ok").asBoolean()
        && r.path("cause").asText().equals("check")
        && r.path("message").asText().startsWith("finishReason check failed: expected 'no-such-reason' but was"));
    assertThat(summary.path("all").path("errors").path("check").asInt()).isEqualTo(DslFeaturesSimulation.USERS);
  }

  @Test
  void should_count_a_request_whose_expression_cannot_be_resolved_as_a_ko_that_was_never_sent() {
    // Gatling logs it as a crash; requests.jsonl and the summary count the same KO, with no timing at all
    assertThat(task("bad-el")).singleElement().satisfies(r -> {
      assertThat(r.path("ok").asBoolean()).isFalse();
      assertThat(r.path("cause").asText()).isEqualTo("malformed");
      assertThat(r.path("message").asText()).startsWith("cannot build request 'bad-el': ")
          .contains("doesNotExist");
      assertThat(r.path("model").asText()).isEqualTo("llama3.2:3b");
      assertThat(r.has("e2eMs")).isFalse();
      assertThat(r.has("clientDelayMs")).isFalse();
      assertThat(r.has("status")).isFalse();
    });
    assertThat(summary.path("all").path("requests").asInt()).isEqualTo(records.size());
    assertThat(summary.path("tasks").path("bad-el").path("errors").path("malformed").asInt()).isEqualTo(1);
  }
}
