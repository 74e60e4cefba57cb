package io.llmgatling.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.llmgatling.run.ArrivalClock;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.Trace;
import io.llmgatling.workload.WorkloadConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReplayTest {

  @TempDir
  Path userFiles;

  private static final String TRACE = """
      {"timestamp": 1500, "input_length": 10, "output_length": 5}
      {"timestamp": 250, "input_length": 10, "output_length": 5, "session_id": "s"}
      {"timestamp": 4000, "input_length": 10, "output_length": 5, "session_id": "s"}
      {"timestamp": 250.5, "input_length": 10, "output_length": 5}
      """;

  private WorkloadConfig config(String... keyValues) throws IOException {
    Files.writeString(userFiles.resolve("t.jsonl"), TRACE);
    Map<String, String> properties = new java.util.HashMap<>(Map.of("llm.trace", "t.jsonl"));
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return WorkloadConfig.load(properties, userFiles);
  }

  @Test
  void should_inject_a_user_at_the_start_of_each_visit() {
    LoadProfile.Replay replay = new LoadProfile.Replay(Trace.parse(TRACE, 512));

    // the session's later turn (4 s) is no arrival: its user waits for it
    assertThat(LlmInjection.arrivalOffsets(replay, 1.0, 0)).containsExactly(0.25, 0.2505, 1.5);
    assertThat(replay.arrivalOffsetsSeconds()).containsExactly(0.25, 0.2505, 1.5);
    // the injection: a user at 0 that sets the origin, then the visits a lead-in later
    assertThat(TraceReplay.injectionOffsets(replay)).containsExactly(0, 1.25, 1.2505, 2.5);
  }

  @Test
  void should_hold_the_output_with_ignore_eos_on_llama_server_only() throws IOException {
    WorkloadConfig llamacpp = config("llm.target", "llamacpp");
    WorkloadConfig ollama = config();
    WorkloadConfig refused = config("llm.target", "llamacpp", "llm.option.ignore_eos", "false");

    assertThat(TraceReplay.holdOptions(llamacpp, llamacpp.tasks().get(0))).containsEntry("ignore_eos", true);
    assertThat(TraceReplay.holdOptions(ollama, ollama.tasks().get(0))).doesNotContainKey("ignore_eos");
    assertThat(TraceReplay.holdOptions(refused, refused.tasks().get(0)))
        .containsEntry("ignore_eos", BooleanNode.FALSE);
  }

  @Test
  void should_name_each_skipped_line_in_at_most_ten_warnings() {
    StringBuilder text = new StringBuilder("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n");
    for (int i = 0; i < 12; i++) {
      text.append("{}\n");
    }
    Trace trace = Trace.parse(text.toString(), 512);

    assertThat(LlmSimulation.traceWarnings(trace)).hasSize(11)
        .startsWith("llm-gatling: trace trace.jsonl line 2: timestamp must be a number of milliseconds >= 0, was"
            + " missing (line skipped)")
        .endsWith("llm-gatling: trace trace.jsonl: 2 more malformed lines skipped");
    assertThat(LlmSimulation.traceFacts(trace)).containsEntry("skippedLines", 12).containsEntry("requests", 1);
  }

  @Test
  void should_place_a_later_turn_on_the_arrivals_origin() {
    ArrivalClock clock = new ArrivalClock(new double[] {0.25, 1.5});
    long now = 10_000_000_000L;

    assertThat(clock.dueAt(4.0, now)).isEqualTo(now); // no arrival yet: no origin
    ArrivalClock.Arrival first = clock.arrive(now);
    assertThat(first).isEqualTo(new ArrivalClock.Arrival(0, now));
    assertThat(clock.dueAt(4.0, now)).isEqualTo(now - 250_000_000L + 4_000_000_000L);
    // the second user arrives 20 ms early on the estimate: the origin moves back, later turns fall due earlier
    ArrivalClock.Arrival second = clock.arrive(now + 1_230_000_000L);
    assertThat(second).isEqualTo(new ArrivalClock.Arrival(1, now + 1_230_000_000L));
    assertThat(clock.dueAt(4.0, now)).isEqualTo(now - 270_000_000L + 4_000_000_000L);
  }
}
