package io.llmgatling.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * {@code results/<run>/resources.jsonl}: one sample per line, written by several samplers (each on its own
 * thread), each line {@code {"t": epoch ms, "source": "process" | "gpu" | "server", ...quantities}}. The report
 * reads it into {@code summary.json → resources} and the charts; {@code t} is on the same clock as the request
 * records, so the charts share the time axis of the latency and throughput charts.
 */
public final class ResourceLog implements AutoCloseable {
  /** The file the report reads. */
  public static final String FILE_NAME = "resources.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final LongSupplier clock;
  private boolean closed;

  private ResourceLog(Path file, LongSupplier clock) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** Opens {@code runDir/resources.jsonl} (created or emptied). */
  public static ResourceLog open(Path runDir) {
    try {
      return new ResourceLog(runDir.resolve(FILE_NAME), System::currentTimeMillis);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve(FILE_NAME) + ": " + e.getMessage(), e);
    }
  }

  /** A new line for {@code source}, stamped now; fill it and {@link #write} it. */
  public ObjectNode sample(String source) {
    ObjectNode line = JSON.createObjectNode();
    line.put("t", clock.getAsLong());
    line.put("source", source);
    return line;
  }

  /** Appends one line and flushes it: a run stopped with Ctrl-C keeps every sample taken. */
  public synchronized void write(ObjectNode line) throws IOException {
    if (closed) {
      return;
    }
    out.write(JSON.writeValueAsString(line));
    out.newLine();
    out.flush();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException ignored) {
      // nothing more to write
    }
  }

  /** One decimal: what a sample is worth. */
  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
