package io.llmgatling.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.json.Json;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.Keys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples one local process ({@code llm.monitor.pid}, e.g. the Ollama server) while a run goes: its CPU and
 * resident memory, once a second, one JSON line per sample in {@code results/<run>/resources.jsonl}, which the
 * report turns into {@code summary.json → resources}:
 *
 * <pre>{"t":1718000000000,"source":"process","cpuPercent":187.5,"rssMb":4512.3}</pre>
 *
 * <ul>
 *   <li>{@code cpuPercent}: CPU time the process used (user + system, all its threads, from
 *       {@code /proc/<pid>/stat} utime + stime) over the wall time since the previous sample, in percent of one
 *       core, as {@code top} shows it: 250 = two and a half cores busy.</li>
 *   <li>{@code rssMb}: resident set size ({@code VmRSS} of {@code /proc/<pid>/status}) in MiB. Memory the GPU
 *       driver maps is not in it, so for a GPU server this is host memory only.</li>
 * </ul>
 * Linux only ({@code /proc}). The kernel reports CPU times in clock ticks of {@code USER_HZ}, which is 100 on
 * every Linux architecture the JVM runs on. A process that exits during the run ends the sampling; what was
 * sampled is kept.
 */
public final class ProcessMonitor implements AutoCloseable {
  /** The file the report reads. */
  public static final String FILE_NAME = ResourceLog.FILE_NAME;
  private static final double TICKS_PER_SECOND = 100;

  private final long pid;
  private final Path procDir;
  private final ResourceLog out;
  private final boolean ownsLog;
  private final ScheduledExecutorService sampler;
  private long previousTicks = -1;
  private long previousNanos;
  private long samples;

  private ProcessMonitor(long pid, ResourceLog out, boolean ownsLog, Duration interval) throws IOException {
    this.pid = pid;
    this.procDir = Path.of("/proc", Long.toString(pid));
    this.out = out;
    this.ownsLog = ownsLog;
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-monitor-" + pid);
      t.setDaemon(true);
      return t;
    });
    // the first reading only sets the origin of the CPU time: a rate needs two
    readCpuTicks();
    sampler.scheduleAtFixedRate(this::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Checks up front that {@code pid} can be sampled, so that a wrong pid stops the run before any load.
   *
   * @param pid the process id
   * @throws ConfigException naming {@code llm.monitor.pid} when there is no such process or no /proc
   */
  public static void requireSampleable(long pid) {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      throw ConfigException.forKey(Keys.MONITOR_PID.name(), "process sampling needs Linux /proc, not found here");
    }
    Path dir = Path.of("/proc", Long.toString(pid));
    if (!Files.isReadable(dir.resolve("stat")) || !Files.isReadable(dir.resolve("status"))) {
      throw ConfigException.forKey(Keys.MONITOR_PID.name(), "no process " + pid
          + " on this machine (is the server running? e.g. pgrep -f 'ollama serve')");
    }
  }

  /**
   * Starts sampling into {@code runDir/resources.jsonl}.
   *
   * @param pid      the process
   * @param runDir   the run folder
   * @param interval time between samples (1 s for runs)
   * @return the running monitor; {@link #close()} stops it
   */
  public static ProcessMonitor start(long pid, Path runDir, Duration interval) {
    requireSampleable(pid);
    return start(pid, ResourceLog.open(runDir), true, interval);
  }

  /**
   * Starts sampling into a run's shared resource log (which the caller closes).
   *
   * @param pid      the process
   * @param log      the run's {@code resources.jsonl}
   * @param interval time between samples (1 s for runs)
   * @return the running monitor; {@link #close()} stops it
   */
  public static ProcessMonitor start(long pid, ResourceLog log, Duration interval) {
    requireSampleable(pid);
    return start(pid, log, false, interval);
  }

  private static ProcessMonitor start(long pid, ResourceLog log, boolean ownsLog, Duration interval) {
    try {
      return new ProcessMonitor(pid, log, ownsLog, interval);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sample process " + pid + ": " + e.getMessage(), e);
    }
  }

  /** Samples written so far. */
  public synchronized long samples() {
    return samples;
  }

  private synchronized void sample() {
    try {
      long nowNanos = System.nanoTime();
      long ticks = readCpuTicks();
      double seconds = (nowNanos - previousNanos) / 1e9;
      double cpuPercent = (ticks - previousTicks) / TICKS_PER_SECOND / seconds * 100;
      previousTicks = ticks;
      previousNanos = nowNanos;
      ObjectNode line = out.sample("process");
      line.put("cpuPercent", ResourceLog.round1(cpuPercent));
      line.put("rssMb", ResourceLog.round1(readRssKb() / 1024.0));
      double load = loadAverage();
      if (load >= 0) {
        // the machine's 1-minute load average: llm.compare warns when two targets ran under different loads
        line.put("loadAvg1", load);
      }
      out.write(line);
      samples++;
    } catch (IOException | RuntimeException e) {
      // the process ended (or /proc vanished): stop quietly, the samples so far stand
      sampler.shutdown();
    }
  }

  /** utime + stime of the whole process, in clock ticks (fields 14 and 15 of /proc/pid/stat). */
  private long readCpuTicks() throws IOException {
    String stat = Files.readString(procDir.resolve("stat"));
    // the command name (field 2) is in parentheses and may itself hold spaces or ')': split after the last one
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields[0] is field 3 (state)
    if (previousTicks < 0) {
      previousTicks = ticks;
      previousNanos = System.nanoTime();
    }
    return ticks;
  }

  /** The first figure of /proc/loadavg, or -1 where there is none. */
  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private long readRssKb() throws IOException {
    for (String line : Files.readAllLines(procDir.resolve("status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return 0; // a zombie has no VmRSS line
  }

  /** Stops sampling and closes the file. */
  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsLog) {
      out.close();
    }
  }

  @Override
  public String toString() {
    return "ProcessMonitor[pid " + pid + ", " + samples() + " samples]";
  }
}
