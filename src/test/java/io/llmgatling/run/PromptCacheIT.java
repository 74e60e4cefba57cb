package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code llm.sharedPrefix} and {@code llm.nonce} end to end against the simulator playing llama-server with a
 * per-slot prompt cache: a shared system prefix raises the cache hit rate, a nonce drives it to (almost) nothing.
 */
class PromptCacheIT {
  private LlmSimulator sim;

  @BeforeEach
  void startSimulator() {
    ModelSpec model = new ModelSpec("m", ModelSpec.LLM, 2000, 400, 0, 16384, 64, null, null, null, 1, 0L, null,
        null, ModelSpec.CACHE_PROMPT);
    sim = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().host("127.0.0.1").port(0).slots(2)
        .jitter(0).seed(7).models(List.of(model)).build());
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  private JsonNode run(String... more) {
    Map<String, String> props = new HashMap<>(Map.of("llm.target", "llamacpp", "llm.baseUrl",
        sim.baseUrl().toString(), "llm.model", "m", "llm.mix", "chat", "llm.slo", "none", "llm.maxTokens", "8",
        "llm.duration", "3s", "llm.rate", "3"));
    for (int i = 0; i < more.length; i += 2) {
      props.put(more[i], more[i + 1]);
    }
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);
    assertThat(outcome.exitCode()).isZero();
    return RunFiles.summary(outcome.resultsDir()).path("all");
  }

  @Test
  void should_raise_the_cache_hit_rate_with_a_shared_prefix_and_drive_it_to_nothing_with_a_nonce() {
    JsonNode plain = run();
    JsonNode shared = run("llm.sharedPrefix", "600");
    JsonNode cold = run("llm.sharedPrefix", "600", "llm.nonce", "true");

    assertThat(plain.path("cacheHitRate").isNumber()).as("llama-server reports cached tokens").isTrue();
    // 600 shared tokens in front of prompts of a few dozen: most of every prompt after the first per slot
    assertThat(shared.path("cacheHitRate").asDouble()).isGreaterThan(0.5)
        .isGreaterThan(plain.path("cacheHitRate").asDouble());
    assertThat(shared.path("promptTokens").asLong() / shared.path("ok").asDouble())
        .as("prompt tokens per request").isGreaterThan(600);
    // a nonce first: only the role tag every prompt starts with ("system:", one token) can match
    assertThat(cold.path("cacheHitRate").asDouble()).isLessThan(0.005);
  }
}
