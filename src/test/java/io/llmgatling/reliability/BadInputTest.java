package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.WorkloadConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration mistake is refused by the workload, before any load, as one {@link ConfigException}
 * whose one-line message names the key and what is wrong ({@code LlmSimulation} prints it after
 * {@code llm-gatling: } and exits 1; {@code BadInputIT} checks that path end to end).
 */
class BadInputTest {

  @TempDir
  static Path userFiles;

  static Stream<Arguments> mistakes() throws IOException {
    Files.writeString(userFiles.resolve("bad-escape.properties"), "llm.rate=\\uZZZZ\n");
    Files.write(userFiles.resolve("not-utf8.properties"), new byte[] {'l', 'l', 'm', '.', 'r', '=', (byte) 0xC3});
    Files.createDirectories(userFiles.resolve("a-folder.properties"));
    Files.writeString(userFiles.resolve("empty.jsonl"), "", StandardCharsets.UTF_8);
    Files.writeString(userFiles.resolve("broken.jsonl"), "{\"prompt\": \"unterminated\n", StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of(Map.of("llm.target", "vllm"), "llm.target: 'vllm' is not one of"),
        Arguments.of(Map.of("llm.baseUrl", "localhost:11434"), "llm.baseUrl: 'localhost:11434' is not an http(s) URL"),
        Arguments.of(Map.of("llm.baseUrl", "http://"), "llm.baseUrl: 'http://' is not an http(s) URL"),
        Arguments.of(Map.of("llm.rate", "-2"), "llm.rate: '-2' is not a number > 0"),
        Arguments.of(Map.of("llm.rate", "fast"), "llm.rate: 'fast' is not a number > 0"),
        Arguments.of(Map.of("llm.duration", "-5s"), "llm.duration: '-5s' is not a duration"),
        Arguments.of(Map.of("llm.users", "-1"), "llm.users: '-1' is not a whole number"),
        Arguments.of(Map.of("llm.mix", "chat:60,rag:40"), "llm.mix: unknown task 'rag', expected one of:"),
        Arguments.of(Map.of("llm.mix", "chat:-1"), "llm.mix:"),
        Arguments.of(Map.of("llm.slo", "ttft.p95 < soon"), "llm.slo: bad SLO 'ttft.p95 < soon'"),
        Arguments.of(Map.of("llm.slo", "latency.p95<2s"), "llm.slo: bad SLO 'latency.p95<2s'"),
        Arguments.of(Map.of("llm.timeout.idle", "forever"), "llm.timeout.idle: 'forever' is not a duration"),
        Arguments.of(Map.of("llm.prompts.chat", "missing.jsonl"), "llm.prompts.chat: no file 'missing.jsonl'"),
        Arguments.of(Map.of("llm.prompts.chat", "empty.jsonl"), "llm.prompts.chat: prompt set "),
        Arguments.of(Map.of("llm.prompts.chat", "broken.jsonl"), "llm.prompts.chat: prompt set "),
        Arguments.of(Map.of("llm.workload", "missing.properties"), "llm.workload: no file 'missing.properties'"),
        Arguments.of(Map.of("llm.workload", "a-folder.properties"), "llm.workload: no file 'a-folder.properties'"),
        Arguments.of(Map.of("llm.workload", "bad-escape.properties"), "llm.workload: cannot read"),
        Arguments.of(Map.of("llm.workload", "not-utf8.properties"), "llm.workload: cannot read "
            + userFiles.resolve("not-utf8.properties") + " (not UTF-8 text)"),
        Arguments.of(Map.of("llm.tagret", "ollama"), "llm.tagret"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void should_refuse_a_configuration_mistake_in_one_line_naming_the_key(Map<String, String> properties,
                                                                        String expectedStart) {
    // what LlmSimulation does before any load
    Throwable refused = catchThrowable(() -> WorkloadConfig.load(new HashMap<>(properties), userFiles)
        .checkPromptSets());

    assertThat(refused).isInstanceOf(ConfigException.class);
    assertThat(refused.getMessage()).startsWith(expectedStart).doesNotContain("\n").doesNotContain("Exception");
  }
}
