package io.llmgatling.support;

import io.llmgatling.run.LlmRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a simulation in this JVM through Gatling's own launcher, with {@code llm.*} properties set only for the
 * duration of the run, and tells where its results went.
 */
public final class GatlingRun {

  /**
   * @param exitCode  Gatling's status code (0 = success, 2 = Gatling assertions failed)
   * @param resultsDir our results/<run-id> folder, or null when no run started
   */
  public record Outcome(int exitCode, Path resultsDir) {
  }

  private GatlingRun() {
  }

  public static Outcome run(String simulationClass, Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("llm.results", "target/it-results");
    all.put("llm.progress", "0");
    // the main job warms up by default; tests count requests exactly, so they ask for a warm-up when they want one
    all.put("llm.warmup", "0");
    all.put("llm.throwOnConfigError", "true");
    all.putAll(properties);
    Map<String, String> previous = new LinkedHashMap<>();
    all.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
    LlmRun before = LlmRun.current();
    try {
      int code = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
          "-s", simulationClass, "-rf", Path.of("target/it-gatling").toAbsolutePath().toString(), "-l", "test"});
      LlmRun run = LlmRun.current();
      return new Outcome(code, run == null || run == before ? null : run.dir());
    } finally {
      previous.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }
}
