package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official {@code ollama} npm client reads the simulator's native API unchanged. CI installs the node
 * project with {@code npm ci --prefix src/test/node}; the test installs it itself when that was not done.
 */
class OllamaNodeClientIT {
  private static final Path PROJECT = Path.of("src/test/node");

  @Test
  void should_serve_the_official_ollama_client_for_every_native_endpoint() throws Exception {
    if (!Files.isDirectory(PROJECT.resolve("node_modules/ollama"))) {
      run(List.of("npm", "ci", "--no-audit", "--no-fund"), 120);
    }
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).loadTimeMs(20)
        .rates(50_000, 2000, 0.05).build())) {
      String out = run(List.of("node", "ollama-client-check.mjs", sim.baseUrl().toString()), 60);
      JsonNode r = new ObjectMapper().readTree(out);

      assertThat(r.at("/chat/role").asText()).isEqualTo("assistant");
      assertThat(r.at("/chat/content").asText()).isNotBlank();
      assertThat(r.at("/chat/done").asBoolean()).isTrue();
      assertThat(r.at("/chat/done_reason").asText()).isEqualTo("length");
      assertThat(r.at("/chat/eval_count").asInt()).isEqualTo(8);
      assertThat(r.at("/chat/load_duration").asLong()).isPositive();
      assertThat(r.at("/chat/total_duration").asLong()).isGreaterThanOrEqualTo(r.at("/chat/load_duration").asLong()
          + r.at("/chat/prompt_eval_duration").asLong() + r.at("/chat/eval_duration").asLong());

      assertThat(r.at("/chatStream/chunks").asInt()).isEqualTo(6);
      assertThat(r.at("/chatStream/eval_count").asInt()).isEqualTo(6);
      assertThat(r.at("/chatStream/done").asBoolean()).isTrue();
      assertThat(r.at("/generate/eval_count").asInt()).isEqualTo(4);
      assertThat(r.at("/generate/context").asBoolean()).isTrue();
      assertThat(r.at("/generateStream/chunks").asInt()).isEqualTo(5);

      assertThat(r.at("/embed/count").asInt()).isEqualTo(2);
      assertThat(r.at("/embed/dimensions").asInt()).isEqualTo(768);
      assertThat(r.at("/embeddings/dimensions").asInt()).isEqualTo(768);

      assertThat(r.at("/list").findValuesAsText("name"))
          .containsExactly("llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest", "qwen3:4b");
      assertThat(r.at("/show/family").asText()).isEqualTo("llama");
      assertThat(r.at("/show/architecture").asText()).isEqualTo("llama");
      assertThat(r.at("/ps").findValuesAsText("name")).contains("llama3.2:3b", "nomic-embed-text:latest");
      assertThat(r.at("/version").asText()).isNotBlank();
      assertThat(r.at("/notFound/status").asInt()).isEqualTo(404);
      assertThat(r.at("/notFound/message").asText())
          .isEqualTo("model \"no-such-model\" not found, try pulling it first");
    }
  }

  private static String run(List<String> command, int timeoutSeconds) throws Exception {
    File log = Files.createTempFile("node-check", ".err").toFile();
    Process p = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectError(log).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    String err = Files.readString(log.toPath());
    log.delete();
    assertThat(done).as("%s finished in time", command).isTrue();
    assertThat(p.exitValue()).as("%s exit code; stderr: %s", command, err).isZero();
    return new String(stdout, StandardCharsets.UTF_8);
  }
}
