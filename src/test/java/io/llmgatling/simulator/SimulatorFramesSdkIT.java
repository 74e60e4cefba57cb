package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.dialect.WirePlayback;
import io.llmgatling.simulator.dialect.anthropic.AnthropicWire;
import io.llmgatling.simulator.dialect.responses.ResponsesWire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator's Responses and Anthropic frames for a reasoning phase before the answer (which the engine plays
 * through the wire's reasoning hooks), judged by the official SDKs: the frames are played in the engine's hook
 * order ({@link WirePlayback}), written in the fixtures' layout, served by {@code wire-fixtures-server.mjs} with
 * {@code WIRE_DIR}, and the SDK check scripts run against it with a reasoning model.
 */
class SimulatorFramesSdkIT {
  private static final long SEED = 11;

  @Test
  void should_give_the_official_sdks_reasoning_streams_they_accept() throws Exception {
    Path dir = Files.createTempDirectory("sim-frames");
    Process server = null;
    try {
      writeResponses(Files.createDirectories(dir.resolve("responses")));
      writeAnthropic(Files.createDirectories(dir.resolve("anthropic")));
      NodeChecks.run("openai", "--version"); // installs the node project when missing
      ProcessBuilder pb = new ProcessBuilder("node", "wire-fixtures-server.mjs", "0")
          .directory(Path.of("src/test/node").toFile()).redirectErrorStream(true);
      pb.environment().put("WIRE_DIR", dir.toAbsolutePath().toString());
      server = pb.start();
      String base = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(base).startsWith("http://127.0.0.1:");

      JsonNode responses = Json.MAPPER.readTree(NodeChecks.run("openai", "openai-responses-check.mjs", base,
          "llama3.2:3b", "reasoner"));
      assertThat(responses.at("/reasoning/output_types").toString()).isEqualTo("[\"reasoning\",\"message\"]");
      assertThat(responses.at("/reasoning/reasoningDeltas").asInt()).isEqualTo(5);
      assertThat(responses.at("/reasoning/answerDeltas").asInt()).isEqualTo(4);
      assertThat(responses.at("/reasoning/usage/reasoning_tokens").asInt()).isEqualTo(5);
      assertThat(responses.at("/stream/sequenceIncreasing").asBoolean()).isTrue();

      JsonNode anthropic = Json.MAPPER.readTree(NodeChecks.run("@anthropic-ai/sdk", "anthropic-client-check.mjs",
          base, "llama3.2:3b", "reasoner"));
      assertThat(anthropic.at("/thinking/blocks").toString()).isEqualTo("[\"thinking\",\"text\"]");
      assertThat(anthropic.at("/thinking/thinkingDeltas").asInt()).isEqualTo(5);
      assertThat(anthropic.at("/thinking/usage/output_tokens").asInt()).isEqualTo(9);
    } finally {
      if (server != null) {
        server.destroy();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void writeResponses(Path dir) throws Exception {
    String text = TextSource.text(SEED, 0, 6);
    Files.write(dir.resolve("plain.json"), new ResponsesWire("llama3.2:3b", 1, SEED, 8, 0, false)
        .body(WirePlayback.outcome(14, 6, 0, null, false), "", text));
    Files.writeString(dir.resolve("stream-plain.sse"), WirePlayback.stream(
        new ResponsesWire("llama3.2:3b", 2, SEED, 6, 0, false), SEED, 0, 6, null,
        WirePlayback.outcome(14, 6, 0, null, false)));
    Files.writeString(dir.resolve("stream-reasoning.sse"), WirePlayback.stream(
        new ResponsesWire("reasoner", 3, SEED, 64, 5, false), SEED, 5, 4, null,
        WirePlayback.outcome(14, 9, 5, null, false)));
    Files.writeString(dir.resolve("error-404.json"), ResponsesWire.error(404, "model \"no-such-model\" not found"));
  }

  private static void writeAnthropic(Path dir) throws Exception {
    String text = TextSource.text(SEED, 0, 6);
    Files.write(dir.resolve("plain.json"), new AnthropicWire("llama3.2:3b", 1, 14, 0, false)
        .body(WirePlayback.outcome(14, 6, 0, null, false), "", text));
    Files.writeString(dir.resolve("stream-plain.sse"), WirePlayback.stream(
        new AnthropicWire("llama3.2:3b", 2, 14, 0, false), SEED, 0, 6, null,
        WirePlayback.outcome(14, 6, 0, null, false)));
    Files.writeString(dir.resolve("stream-reasoning.sse"), WirePlayback.stream(
        new AnthropicWire("reasoner", 3, 14, 5, false), SEED, 5, 4, null,
        WirePlayback.outcome(14, 9, 5, null, false)));
    Files.writeString(dir.resolve("error-404.json"), AnthropicWire.error(404, "model \"no-such-model\" not found"));
  }
}
