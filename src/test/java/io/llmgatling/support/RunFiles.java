package io.llmgatling.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Reads a run's results folder, and waits for conditions without sleeping a fixed time. */
public final class RunFiles {
  public static final ObjectMapper JSON = new ObjectMapper();

  private RunFiles() {
  }

  /** Every line of requests.jsonl, parsed; fails on a line that is not one complete JSON object. */
  public static List<JsonNode> records(Path runDir) {
    List<JsonNode> records = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(runDir.resolve("requests.jsonl"))) {
        JsonNode node = JSON.readTree(line);
        if (node == null || !node.isObject()) {
          throw new AssertionError("requests.jsonl line is not a JSON object: " + line);
        }
        records.add(node);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  public static JsonNode summary(Path runDir) {
    try {
      return JSON.readTree(runDir.resolve("summary.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Polls {@code condition} every 20 ms until it holds.
   *
   * @throws AssertionError naming {@code what} when it still does not hold after {@code timeout}
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
