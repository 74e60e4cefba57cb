package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.support.ChildJvm;
import io.llmgatling.support.RunFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) or SIGTERM in the middle of a run: the JVM's shutdown hooks keep every request recorded up to
 * that moment, and the summary and the report say the run is partial.
 */
class InterruptIT {
  private static final int SIGINT = 2;

  @TempDir
  Path work;
  private ChildJvm child;

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.stop();
    }
  }

  @Test
  void should_keep_every_recorded_request_and_mark_the_results_partial_on_sigterm() {
    Path dir = startAndWaitForRequests();

    child.process().destroy(); // SIGTERM on Linux
    child.waitFor(60);

    assertCompletePartialResults(dir);
  }

  @Test
  void should_keep_every_recorded_request_and_mark_the_results_partial_on_ctrl_c() {
    Path dir = startAndWaitForRequests();
    // a background job may be started with SIGINT ignored, and then the JVM cannot see Ctrl-C at all
    assumeFalse(child.ignores(SIGINT), "SIGINT is ignored in this environment");

    child.signal("INT");
    child.waitFor(60);

    assertCompletePartialResults(dir);
  }

  /** Starts a long run and returns its results folder once requests.jsonl holds a few records. */
  private Path startAndWaitForRequests() {
    Path results = work.resolve("results");
    child = ChildJvm.start("MultiTaskSimulation", work, Map.of(
        "llm.duration", "60s", "llm.rate", "4", "llm.results", results.toString(), "llm.progress", "0",
        "llm.warmup", "0")); // the summary must count every line of the journal
    RunFiles.await("requests in requests.jsonl", Duration.ofSeconds(60), () -> {
      if (!child.process().isAlive()) {
        throw new AssertionError("child JVM ended early:\n" + child.console());
      }
      return journal(results).map(InterruptIT::lineCount).orElse(0L) >= 5;
    });
    return journal(results).orElseThrow().getParent();
  }

  private void assertCompletePartialResults(Path dir) {
    String console = child.console();
    assertThat(console).contains("llm-gatling: run interrupted; writing partial results");
    assertThat(console).doesNotContain("Exception").doesNotContain("\tat ");
    // every line is one complete JSON object, the last one too
    String journal = read(dir.resolve("requests.jsonl"));
    assertThat(journal).endsWith("\n");
    List<JsonNode> records = RunFiles.records(dir);
    assertThat(records.size()).isGreaterThanOrEqualTo(5);
    JsonNode summary = RunFiles.summary(dir);
    assertThat(summary.path("partial").asBoolean()).isTrue();
    // the summary counts exactly the journal: nothing recorded was lost on the way
    assertThat(summary.path("all").path("requests").asLong()).isEqualTo(records.size());
    assertThat(readJson(dir.resolve("run.json")).path("partial").asBoolean()).isTrue();
    // the report renders its "Partial run" banner from the embedded summary
    assertThat(read(dir.resolve("index.html"))).contains("\"partial\":true");
  }

  private static Optional<Path> journal(Path results) {
    if (!Files.isDirectory(results)) {
      return Optional.empty();
    }
    try (Stream<Path> runs = Files.list(results)) {
      return runs.map(r -> r.resolve("requests.jsonl")).filter(Files::isRegularFile).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static long lineCount(Path file) {
    return read(file).chars().filter(c -> c == '\n').count();
  }

  private static JsonNode readJson(Path file) {
    try {
      return RunFiles.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
