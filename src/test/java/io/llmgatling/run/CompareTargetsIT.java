package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code llm.compare}: two simulators standing in for two servers, the same but for their slots (2 and 4), loaded
 * by one command with the same closed workload (4 users) one after the other. The 2-slot server queues half the
 * requests, so the 4-slot one must come out better on TTFT and requests/s, each run in its own folder and the
 * comparison page beside them.
 */
class CompareTargetsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_run_the_same_workload_against_each_target_and_mark_the_better_side() throws Exception {
    try (LlmSimulator two = simulator(2); LlmSimulator four = simulator(4)) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.compare", "two,four");
      props.put("llm.target.two", "ollama");
      props.put("llm.baseUrl.two", two.baseUrl().toString());
      props.put("llm.target.four", "ollama");
      props.put("llm.baseUrl.four", four.baseUrl().toString());
      props.put("llm.model", "llama3.2:3b");
      props.put("llm.mix", "chat");
      props.put("llm.profile", "closed");
      props.put("llm.users", "4");
      props.put("llm.rampUp", "0s");
      props.put("llm.duration", "4s");
      props.put("llm.slo", "none");

      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      assertThat(outcome.exitCode()).isZero();
      assertThat(outcome.resultsDir().getFileName().toString()).isEqualTo("four");
      Path compare = outcome.resultsDir().getParent();
      JsonNode twoSummary = JSON.readTree(compare.resolve("two/summary.json").toFile());
      JsonNode fourSummary = JSON.readTree(compare.resolve("four/summary.json").toFile());
      assertThat(twoSummary.path("target").path("baseUrl").asText()).isEqualTo(two.baseUrl().toString());
      assertThat(fourSummary.path("target").path("baseUrl").asText()).isEqualTo(four.baseUrl().toString());
      assertThat(twoSummary.path("all").path("requests").asInt()).isGreaterThanOrEqualTo(4);
      assertThat(fourSummary.path("all").path("requests").asInt()).isGreaterThanOrEqualTo(4);
      assertThat(twoSummary.path("all").path("ko").asInt()).as(twoSummary.path("all").toString()).isZero();
      assertThat(Files.size(compare.resolve("two/requests.jsonl"))).isPositive();
      assertThat(compare.resolve("two/index.html")).exists();

      String page = Files.readString(compare.resolve("index.html"));
      assertThat(page).contains("\"kind\":\"compare\"", "\"label\":\"two\"", "\"label\":\"four\"");
      assertThat(bestOf(page, "TTFT p50")).as("TTFT p50 row of %s", compare).isEqualTo(1);
      assertThat(bestOf(page, "requests/s")).isEqualTo(1);
      assertThat(page).contains("\"label\":\"chat · TTFT p95\"", "\"id\":\"cost\"");
    }
  }

  @Test
  void should_compare_the_capacity_of_each_target_when_the_profile_is_capacity() throws Exception {
    try (LlmSimulator one = simulator(1); LlmSimulator four = simulator(4)) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.compare", "one,four");
      props.put("llm.target.one", "ollama");
      props.put("llm.baseUrl.one", one.baseUrl().toString());
      props.put("llm.target.four", "ollama");
      props.put("llm.baseUrl.four", four.baseUrl().toString());
      props.put("llm.model", "llama3.2:3b");
      props.put("llm.mix", "chat");
      props.put("llm.profile", "capacity");
      props.put("llm.rate", "2");
      props.put("llm.capacity.maxRate", "16");
      props.put("llm.capacity.window", "2s");
      props.put("llm.capacity.maxWindow", "3s");
      props.put("llm.capacity.minRequests", "4");
      props.put("llm.duration", "12s");
      props.put("llm.slo", "ttft.p95<1s");

      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      Path compare = outcome.resultsDir().getParent();
      JsonNode oneCapacity = JSON.readTree(compare.resolve("one/summary.json").toFile()).path("capacity");
      JsonNode fourCapacity = JSON.readTree(compare.resolve("four/summary.json").toFile()).path("capacity");
      assertThat(oneCapacity.path("verdict").asText()).isNotBlank();
      // the first target's run ends with its search, not with its population's idle tail (budget + 1 min)
      assertThat(JSON.readTree(compare.resolve("one/summary.json").toFile()).path("run").path("durationSec")
          .asDouble()).isLessThan(40);
      assertThat(fourCapacity.path("verdict").asText()).isNotBlank();
      String page = Files.readString(compare.resolve("index.html"));
      assertThat(page).contains("\"id\":\"capacity\"", "\"label\":\"capacity: max requests/s\"");
    }
  }

  /** The index of the run marked better in a row of the comparison page. */
  private static int bestOf(String page, String label) {
    Matcher row = Pattern.compile("\\{\"label\":\"" + Pattern.quote(label)
        + "\",\"better\":\"[a-z]+\",\"unit\":\"[^\"]*\",\"values\":\\[[^]]*],\"deltasPct\":\\[[^]]*],\"best\":(\\d+)")
        .matcher(page);
    assertThat(row.find()).as("row %s", label).isTrue();
    return Integer.parseInt(row.group(1));
  }

  private static LlmSimulator simulator(int slots) {
    return LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).slots(slots)
        .preloadModels(true).outputTokens(24).build());
  }
}
