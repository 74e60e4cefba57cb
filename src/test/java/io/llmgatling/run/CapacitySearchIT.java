package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code llm.profile=capacity} end to end against simulators whose saturation throughput is known exactly: no
 * jitter, no prefill to speak of (a million prompt tokens per second), every answer 20 tokens long, so a request
 * holds its slot for 20 decode intervals. The search must land within 10 % below the saturation throughput and
 * never above it. Fast servers keep the steps short: with 30 completions per window and a 3 s warm-up, a step lasts
 * 6-10 s.
 */
class CapacitySearchIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A simulator of one model with {@code slots} slots decoding {@code tokensPerSec} per stream, 20-token answers. */
  private static Path server(int slots, double tokensPerSec, double batchSlowdown) throws Exception {
    Path file = Files.createTempFile("capacity-sim", ".json");
    Files.writeString(file, String.format(Locale.ROOT, """
        {"slots": %d, "jitter": 0, "loadTimeMs": 0, "preloadModels": true,
         "minOutputTokens": 20, "maxOutputTokens": 20,
         "models": [{"name": "llama3.2:3b", "kind": "llm", "prefillTokensPerSec": 1000000,
                     "decodeTokensPerSec": %s, "batchSlowdown": %s, "contextLength": 131072}]}
        """, slots, tokensPerSec, batchSlowdown));
    return file;
  }

  private static JsonNode search(Path server, String mix, double startRate, Map<String, String> more) throws Exception {
    Map<String, String> properties = new LinkedHashMap<>(Map.of(
        "llm.sim.config", server.toAbsolutePath().toString(),
        "llm.mix", mix,
        "llm.model", "llama3.2:3b",
        "llm.profile", "capacity",
        "llm.rate", Double.toString(startRate),
        "llm.capacity.window", "3s",
        "llm.duration", "150s",
        "llm.slo", "ttft.p95<2s"));
    properties.putAll(more);
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", properties);
    assertThat(outcome.exitCode()).isZero(); // the search stops the injection; Gatling ends normally
    return JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
  }

  private static void assertFound(JsonNode summary, double saturation) {
    JsonNode capacity = summary.path("capacity");
    String dump = capacity.toPrettyString();
    double max = capacity.path("maxRatePerSec").asDouble();
    assertThat(max).as(dump).isBetween(0.9 * saturation, saturation);
    JsonNode bracket = capacity.path("bracket");
    assertThat(bracket.get(1).asDouble()).as(dump).isGreaterThan(bracket.get(0).asDouble());
    for (JsonNode step : capacity.path("steps")) {
      // a window's completion count is exact to one request: 1 % at the 90 completions of a 3 s window at 30/s
      assertThat(step.path("achievedPerSec").asDouble()).as("completed more than saturation: " + dump)
          .isLessThanOrEqualTo(saturation * 1.01);
    }
    assertThat(summary.path("passed").asBoolean()).isTrue();
    assertThat(capacity.path("verdict").asText()).startsWith("Sustains ");
  }

  @Test
  void should_find_the_saturation_of_one_slot_serving_one_request_per_100_ms() throws Exception {
    // 20 tokens at 200 tok/s: 100 ms per request, 10 req/s
    JsonNode summary = search(server(1, 200, 0), "completion", 4,
        Map.of("llm.stream", "true", "llm.monitor.pid", Long.toString(ProcessHandle.current().pid())));

    assertFound(summary, 10.0);
    JsonNode capacity = summary.path("capacity");
    assertThat(capacity.path("maxUsersPerSec").asDouble()).isEqualTo(capacity.path("maxRatePerSec").asDouble());
    // llm.monitor.pid: this JVM sampled once a second during the run
    assertThat(summary.path("resources").path("samples").asLong()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void should_find_the_saturation_of_two_slots_in_requests_per_second_for_multi_turn_chat() throws Exception {
    // 20 tokens at 83.3 tok/s: 240 ms per request, 2 slots: 8.33 req/s; chat users send 1-3 requests each
    // chat follow-ups arrive in bursts (each right after the previous answer): the default 10 s window is needed to
    // tell a backlog from their noise (with 3 s windows the search stopped at 6.4 req/s, 77 % of saturation); and
    // bursty arrivals queue below saturation, so a 10 % bracket ended at [7.5, 8.25] with 7.37 completed per second
    // (88 %): a 5 % bracket lands within 10 % of saturation
    JsonNode summary = search(server(2, 250.0 / 3, 0), "chat", 6,
        Map.of("llm.capacity.window", "10s", "llm.capacity.precision", "5%"));

    assertFound(summary, 2 / 0.24);
    JsonNode capacity = summary.path("capacity");
    assertThat(capacity.path("maxUsersPerSec").asDouble()).as("a chat user sends more than one request")
        .isLessThan(capacity.path("maxRatePerSec").asDouble() * 0.8);
  }

  @Test
  void should_find_the_saturation_of_four_batching_slots_shared_by_two_tasks() throws Exception {
    // 4 streams decode at 200 / (1 + 0.1 x 3) tok/s each: 20 tokens take 130 ms, so 4 slots serve 30.8 req/s
    JsonNode summary = search(server(4, 200, 0.1), "chat:50,completion:50", 10,
        Map.of("llm.stream", "true", "llm.prompts.chat", singleTurnPrompts().toString()));

    assertFound(summary, 4 / 0.130);
    JsonNode tasks = summary.path("tasks");
    assertThat(tasks.path("chat").path("requests").asLong()).isPositive();
    assertThat(tasks.path("completion").path("requests").asLong()).isPositive();
  }

  @Test
  void should_find_the_concurrency_a_ttft_limit_allows_in_the_closed_model() throws Exception {
    // one slot, 100 ms per request, users sending one request after another: with 2 users a request waits up to
    // 100 ms for the slot (TTFT p95 ~105 ms), with 3 up to 200 ms: ttft.p95<150ms allows 2 users
    JsonNode summary = search(server(1, 200, 0), "completion", 1,
        Map.of("llm.stream", "true", "llm.users", "1", "llm.slo", "ttft.p95<150ms"));

    JsonNode capacity = summary.path("capacity");
    assertThat(capacity.path("maxUsers").asInt()).as(capacity.toPrettyString()).isEqualTo(2);
    assertThat(capacity.path("bracket").get(1).asDouble()).isEqualTo(3.0);
    assertThat(capacity.path("maxRatePerSec").asDouble()).isBetween(8.5, 10.0);
    assertThat(capacity.path("limitedBy").asText()).isEqualTo("ttft.p95<150ms");
    assertThat(capacity.path("verdict").asText()).startsWith("Sustains 2 concurrent users").contains("With 3 users"
        + " breaks ttft.p95<150ms");
  }

  private static Path singleTurnPrompts() throws Exception {
    Path file = Files.createTempFile("single-turn", ".jsonl");
    Files.writeString(file, "{\"prompt\": \"Say hello.\"}\n{\"prompt\": \"Name a colour.\"}\n");
    return file;
  }
}
