package io.llmgatling.run;

import io.llmgatling.engine.BaseUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a run samples besides its requests (SPEC "Additions → Resources"), decided before the load and running
 * from the run's start to its end, each sampler on its own thread, all into {@code resources.jsonl}:
 * <ul>
 *   <li>the CPU and memory of the server process: {@code llm.monitor.pid}, else, for a target on this machine,
 *       the process listening on the target's port ({@link ListeningProcess}); the embedded simulator listens in
 *       this JVM, so its run samples this JVM, which is then the truth (simulator and load generator together);</li>
 *   <li>the GPUs through {@code nvidia-smi} when it is on the PATH and the target is on this machine (loopback or
 *       one of its interfaces' addresses) or {@code llm.monitor.pid} names its process;</li>
 *   <li>the target's own gauges ({@link ServerGauges}), local or not.</li>
 * </ul>
 * {@code llm.monitor=off} turns all of it off.
 */
public final class ResourceSampling implements AutoCloseable {
  private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0");
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  /**
   * The decision.
   *
   * @param pid         process to sample, or null
   * @param nvidiaSmi   nvidia-smi to run, or null
   * @param gauges      target to poll for gauges, or null
   * @param apiKey      bearer token for the gauges, or null
   * @param insecureTls as for the load
   * @param notes       info lines for the console (e.g. why no process is sampled)
   */
  public record Plan(Long pid, Path nvidiaSmi, BaseUrl gauges, String apiKey, boolean insecureTls,
                     List<String> notes) {
    /** Nothing sampled ({@code llm.monitor=off}). */
    public static final Plan OFF = new Plan(null, null, null, null, false, List.of());

    /** One line naming what is sampled, or null when nothing is. */
    public String describe() {
      List<String> what = new ArrayList<>();
      if (pid != null) {
        what.add("CPU and memory of process " + pid);
      }
      if (nvidiaSmi != null) {
        what.add("GPU (nvidia-smi)");
      }
      if (gauges != null) {
        what.add("server gauges");
      }
      return what.isEmpty() ? null : "llm-gatling: sampling " + String.join(", ", what) + " every second";
    }
  }

  private final List<AutoCloseable> samplers;
  private final ResourceLog log;

  private ResourceSampling(ResourceLog log, List<AutoCloseable> samplers) {
    this.log = log;
    this.samplers = samplers;
  }

  /**
   * Decides what to sample.
   *
   * @param on          {@code llm.monitor}
   * @param pid         {@code llm.monitor.pid}, or null (checked: a wrong pid is a configuration error)
   * @param target      the target root
   * @param apiKey      its bearer token, or null
   * @param insecureTls as for the load
   * @param path        the PATH to look for nvidia-smi in
   * @return the plan
   */
  public static Plan plan(boolean on, Long pid, BaseUrl target, String apiKey, boolean insecureTls, String path) {
    if (!on) {
      return Plan.OFF;
    }
    List<String> notes = new ArrayList<>();
    URI uri = target.uri();
    boolean local = isLocal(uri.getHost());
    Long process = pid;
    if (process != null) {
      ProcessMonitor.requireSampleable(process);
    } else if (local) {
      int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      OptionalLong found = ListeningProcess.find(port);
      if (found.isPresent()) {
        process = found.getAsLong();
      } else {
        notes.add("llm-gatling: no readable process listens on port " + port + " (another user's, or no Linux"
            + " /proc): its CPU and memory are not sampled; -Dllm.monitor.pid=PID names it");
      }
    }
    // a process named with llm.monitor.pid runs here, so its GPUs are this machine's
    Path smi = local || process != null ? GpuMonitor.findOnPath(path).orElse(null) : null;
    return new Plan(process, smi, target, apiKey, insecureTls, notes);
  }

  /** Loopback, or an address of one of this machine's interfaces (a target given by its LAN address). */
  static boolean isLocal(String host) {
    if (host == null) {
      return false;
    }
    if (LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
      return true;
    }
    try {
      InetAddress address = InetAddress.getByName(host.replace("[", "").replace("]", ""));
      return address.isLoopbackAddress() || address.isAnyLocalAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (IOException | SecurityException e) {
      return false; // unresolvable here: the load will say so; not this machine's anyway
    }
  }

  /**
   * Starts the samplers of a plan into {@code runDir/resources.jsonl}; a sampler that cannot start is left out
   * with one line on the console, the run goes on.
   *
   * @param plan    what to sample
   * @param runDir  the run folder
   * @param console where notes go
   * @return the running sampling, or null when the plan samples nothing
   */
  public static ResourceSampling start(Plan plan, Path runDir, PrintStream console) {
    plan.notes().forEach(console::println);
    String line = plan.describe();
    if (line == null) {
      return null;
    }
    ResourceLog log = ResourceLog.open(runDir);
    List<AutoCloseable> samplers = new ArrayList<>();
    if (plan.pid() != null) {
      try {
        samplers.add(ProcessMonitor.start(plan.pid(), log, INTERVAL));
      } catch (RuntimeException e) {
        console.println("llm-gatling: process " + plan.pid() + " cannot be sampled: " + e.getMessage());
      }
    }
    if (plan.nvidiaSmi() != null) {
      samplers.add(GpuMonitor.start(plan.nvidiaSmi(), log, INTERVAL));
    }
    if (plan.gauges() != null) {
      samplers.add(ServerGauges.start(plan.gauges(), plan.apiKey(), plan.insecureTls(), log, INTERVAL));
    }
    console.println(line);
    return new ResourceSampling(log, samplers);
  }

  /** Stops every sampler and closes the file (before the report reads it). */
  @Override
  public void close() {
    for (AutoCloseable sampler : samplers) {
      try {
        sampler.close();
      } catch (Exception ignored) {
        // a sampler that fails to stop has nothing more to write
      }
    }
    log.close();
  }
}
