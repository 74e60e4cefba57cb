package io.llmgatling.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the GPUs of this machine through {@code nvidia-smi} once a second, on its own thread, into the run's
 * {@code resources.jsonl}:
 *
 * <pre>{"t":1718000000000,"source":"gpu","gpus":2,"utilPercent":93.5,"memoryMb":21504.0,"powerW":412.3}</pre>
 *
 * {@code utilPercent} is the mean over the GPUs, {@code memoryMb} (used) and {@code powerW} (board draw) their
 * sums, so that energy is the integral of {@code powerW} over time (the report does it). A GPU that reports
 * {@code [N/A]} for a figure is left out of that figure. One {@code nvidia-smi} call costs 20-60 ms on a
 * desktop GPU (NVML start-up), hence its own thread: the run's clocks never wait for it.
 */
public final class GpuMonitor implements AutoCloseable {
  /** The query: one CSV line per GPU. */
  public static final List<String> QUERY = List.of("--query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw",
      "--format=csv,noheader,nounits");

  /** One GPU's figures; null where nvidia-smi said [N/A] / [Not Supported]. */
  public record Gpu(int index, Double utilPercent, Double memoryMb, Double memoryTotalMb, Double powerW) {
  }

  private final List<String> command;
  private final ResourceLog out;
  private final ScheduledExecutorService sampler;
  private volatile long samples;
  /** The nvidia-smi running now, if any: a hung one is killed at close. */
  private volatile Process running;

  private GpuMonitor(List<String> command, ResourceLog out, Duration interval) {
    this.command = command;
    this.out = out;
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-monitor-gpu");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * {@code nvidia-smi} on the PATH, or empty.
   *
   * @param path the PATH value
   * @return the executable
   */
  public static Optional<Path> findOnPath(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "nvidia-smi");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts sampling with {@code executable} (nvidia-smi, or a stand-in printing the same CSV) and {@link #QUERY}.
   *
   * @param executable the program
   * @param log        the run's resource log
   * @param interval   time between samples (1 s for runs)
   * @return the running monitor
   */
  public static GpuMonitor start(Path executable, ResourceLog log, Duration interval) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(QUERY);
    return new GpuMonitor(command, log, interval);
  }

  /** Samples written so far. */
  public long samples() {
    return samples;
  }

  private void sample() {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      running = process;
      byte[] bytes = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return;
      }
      List<Gpu> gpus = parse(new String(bytes, StandardCharsets.UTF_8));
      if (gpus.isEmpty()) {
        return;
      }
      ObjectNode line = out.sample("gpu");
      line.put("gpus", gpus.size());
      putIfAny(line, "utilPercent", gpus.stream().map(Gpu::utilPercent).toList(), true);
      putIfAny(line, "memoryMb", gpus.stream().map(Gpu::memoryMb).toList(), false);
      putIfAny(line, "powerW", gpus.stream().map(Gpu::powerW).toList(), false);
      out.write(line);
      samples++;
    } catch (IOException e) {
      sampler.shutdown(); // nvidia-smi vanished or cannot run: no GPU figures, the run goes on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void putIfAny(ObjectNode line, String name, List<Double> values, boolean mean) {
    double sum = 0;
    int n = 0;
    for (Double v : values) {
      if (v != null) {
        sum += v;
        n++;
      }
    }
    if (n > 0) {
      line.put(name, ResourceLog.round1(mean ? sum / n : sum));
    }
  }

  /**
   * Parses the CSV of {@link #QUERY} ({@code index, util %, memory used MiB, memory total MiB, power W}, one line
   * per GPU, no header, no units). Lines that do not fit are skipped.
   *
   * @param csv nvidia-smi's output
   * @return one entry per GPU
   */
  public static List<Gpu> parse(String csv) {
    List<Gpu> gpus = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      String[] f = line.split(",");
      if (f.length < 5) {
        continue;
      }
      try {
        gpus.add(new Gpu(Integer.parseInt(f[0].trim()), number(f[1]), number(f[2]), number(f[3]), number(f[4])));
      } catch (NumberFormatException e) {
        // not a GPU line (an error message of nvidia-smi)
      }
    }
    return gpus;
  }

  /** A figure, or null for nvidia-smi's "[N/A]" / "[Not Supported]". */
  private static Double number(String text) {
    String t = text.trim();
    return t.startsWith("[") || t.isEmpty() ? null : Double.valueOf(t);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    Process process = running;
    if (process != null) {
      process.destroyForcibly(); // a hung nvidia-smi (driver reset) must not hold the run's end
    }
    try {
      sampler.awaitTermination(6, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
