package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm.profile=trace} and {@code llm.trace} as the workload reads them. */
class TraceConfigTest {

  @TempDir
  Path userFiles;

  @BeforeEach
  void trace() throws IOException {
    Files.createDirectories(userFiles.resolve("traces"));
    Files.writeString(userFiles.resolve("traces/t.jsonl"), """
        {"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [1]}
        {"timestamp": 1500, "input_length": 10, "output_length": 5, "session_id": "s"}
        {"timestamp": 2500, "input_length": 10, "output_length": 5, "session_id": "s"}
        """);
  }

  private WorkloadConfig load(String... keyValues) {
    Map<String, String> properties = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return WorkloadConfig.load(properties, userFiles);
  }

  @Test
  void should_replay_a_trace_found_in_user_files_as_the_chat_task() {
    WorkloadConfig config = load("llm.profile", "trace", "llm.trace", "traces/t.jsonl");

    assertThat(config.profile()).isInstanceOf(LoadProfile.Replay.class);
    Trace trace = ((LoadProfile.Replay) config.profile()).trace();
    assertThat(trace.file()).isEqualTo(userFiles.resolve("traces/t.jsonl"));
    assertThat(trace.requests()).isEqualTo(3);
    assertThat(trace.blockSize()).isEqualTo(512);
    assertThat(config.tasks()).extracting(TaskSpec::name).containsExactly("chat");
    assertThat(config.slos()).extracting(Slo::expr).containsExactly("errorRate<1%", "chat:ttft.p95<5s",
        "chat:e2e.p95<30s");
    assertThat(config.profile().describe()).isEqualTo("trace t.jsonl: 3 requests (1 sessions) over 2.5 s");
    assertThat(config.profile().totalDuration().toMillis()).isEqualTo(2500);
    assertThat(config.describe()).containsEntry("llm.trace", userFiles.resolve("traces/t.jsonl").toString());
  }

  @Test
  void should_take_the_trace_profile_when_only_a_trace_is_given() {
    WorkloadConfig config = load("llm.trace", "traces/t.jsonl", "llm.trace.blockSize", "64", "llm.mix", "completion");

    assertThat(config.profile().name()).isEqualTo("trace");
    assertThat(((LoadProfile.Replay) config.profile()).trace().blockSize()).isEqualTo(64);
    assertThat(config.tasks()).extracting(TaskSpec::name).containsExactly("completion");
  }

  @Test
  void should_read_an_absolute_path() {
    Path file = userFiles.resolve("traces/t.jsonl").toAbsolutePath();

    assertThat(((LoadProfile.Replay) load("llm.trace", file.toString()).profile()).trace().file()).isEqualTo(file);
  }

  @Test
  void should_refuse_with_one_line_a_trace_profile_without_a_usable_trace() throws IOException {
    assertThatThrownBy(() -> load("llm.profile", "trace")).isInstanceOf(ConfigException.class)
        .hasMessage("llm.trace: llm.profile=trace needs the trace file to replay, e.g. -Dllm.trace=traces/sample.jsonl");
    assertThatThrownBy(() -> load("llm.trace", "traces/none.jsonl")).isInstanceOf(ConfigException.class)
        .hasMessage("llm.trace: trace traces/none.jsonl: no such file");
    Files.writeString(userFiles.resolve("empty.jsonl"), "\n");
    assertThatThrownBy(() -> load("llm.trace", "empty.jsonl")).isInstanceOf(ConfigException.class)
        .hasMessage("llm.trace: trace " + userFiles.resolve("empty.jsonl") + ": no request in it (empty file)");
    assertThatThrownBy(() -> load("llm.trace", "traces/t.jsonl", "llm.trace.blockSize", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.trace.blockSize: '0' is not a whole number of tokens >= 1");
  }

  @Test
  void should_refuse_a_trace_with_another_profile_or_a_mix_of_several_tasks() {
    assertThatThrownBy(() -> load("llm.profile", "poisson", "llm.trace", "traces/t.jsonl"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.trace: a trace is replayed by llm.profile=trace, not poisson (drop llm.trace or set"
            + " llm.profile=trace)");
    assertThatThrownBy(() -> load("llm.trace", "traces/t.jsonl", "llm.mix", "chat:1,code:1"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.mix: 'chat:1,code:1': a trace replay plays one task that generates (chat, completion,"
            + " long-context or code), e.g. llm.mix=chat");
    assertThatThrownBy(() -> load("llm.trace", "traces/t.jsonl", "llm.mix", "embeddings"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("llm.mix: 'embeddings': a trace replay plays");
  }

  @Test
  void should_give_each_shard_whole_visits() {
    WorkloadConfig config = load("llm.trace", "traces/t.jsonl", "llm.shard", "2/2");

    Trace share = ((LoadProfile.Replay) config.injectedProfile()).trace();
    assertThat(share.requests()).isEqualTo(2);
    assertThat(share.visits()).singleElement().extracting(Trace.Visit::sessionId).isEqualTo("s");
  }
}
