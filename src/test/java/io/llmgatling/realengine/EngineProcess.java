package io.llmgatling.realengine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RealEngine} in a child JVM on a free port, for tests and benchmarks: started, waited for (its
 * {@code listening} line), asked for its counters, and always stopped ({@link #close()}; the child also stops by
 * itself when this JVM ends, {@code --exit-with-parent}).
 */
public final class EngineProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile(
      Pattern.quote(RealEngine.LISTENING) + "(http://\\S+) model=(\\S+) slots=(\\d+)");

  private final Process process;
  private final Path output;
  private final URI baseUrl;
  private final String modelId;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EngineProcess(Process process, Path output, URI baseUrl, String modelId) {
    this.process = process;
    this.output = output;
    this.baseUrl = baseUrl;
    this.modelId = modelId;
  }

  /**
   * Starts an engine and waits until it answers (at most 120 s: generating a larger model and loading it).
   *
   * @param args {@link RealEngine} options, e.g. {@code "--slots", "2"}; {@code --port 0} is added
   */
  public static EngineProcess start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(RealEngine.class.getName());
    command.addAll(List.of("--port", "0", "--exit-with-parent"));
    command.addAll(List.of(args));
    Path dir = Path.of("target", "real-engine");
    Process process;
    Path output;
    try {
      Files.createDirectories(dir);
      output = Files.createTempFile(dir, "engine-", ".out");
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try {
      while (true) {
        Matcher m = LISTENING.matcher(Files.readString(output));
        if (m.find()) {
          return new EngineProcess(process, output, URI.create(m.group(1)), m.group(2));
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("engine did not start (exit " + (process.isAlive() ? "-" :
              process.exitValue()) + "):\n" + tail(Files.readString(output)));
        }
        Thread.sleep(50);
      }
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  public URI baseUrl() {
    return baseUrl;
  }

  public String modelId() {
    return modelId;
  }

  public long pid() {
    return process.pid();
  }

  /** {@code GET path} as text. */
  public String get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** {@code /metrics}, one value per series name ({@code llamacpp:tokens_predicted_total} ...). */
  public Map<String, Double> metrics() {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : get("/metrics").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return values;
  }

  /** What the engine printed (llama.cpp's log included). */
  public String console() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
