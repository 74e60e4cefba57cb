package io.llmgatling.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.gatling.RecordSinks;
import io.llmgatling.engine.record.RecordSink;
import io.llmgatling.engine.record.RequestJournal;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.report.LlmReport;
import io.llmgatling.report.LoadStep;
import io.llmgatling.report.RunMeta;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle of one load-test run in this JVM: the {@code results/<run-id>/} folder, the request journal
 * written as the run goes, live progress on the console, and at the end {@code run.json}, {@code summary.json},
 * the LLM report, the console summary, the SLO verdicts and a copy of Gatling's own report.
 *
 * <p>The end is reached either through {@link #finish()} (a simulation's {@code after()}) or, when the JVM is
 * stopped early (Ctrl-C, SIGTERM), through a shutdown hook that marks the results partial: whatever was recorded
 * up to that moment is kept.
 */
public final class LlmRun implements RecordSink {

  /**
   * What the run needs to know up front.
   *
   * @param simulation  simulation name
   * @param api         API flavour id
   * @param baseUrl     target root (without credentials)
   * @param models      models used
   * @param slos        SLOs to evaluate at the end (run-wide and task-scoped)
   * @param profile     load profile name
   * @param steps       the profile's planned steps, from the injection's start (may be empty)
   * @param shard       "i/n"
   * @param workload    resolved settings, for compare warnings (no secrets)
   * @param resultsRoot usually {@code results}
   */
  public record Settings(String simulation, String api, String baseUrl, List<String> models, List<Slo> slos,
                         String profile, List<io.llmgatling.workload.LoadStep> steps, String shard, Map<String, Object> workload,
                         Path resultsRoot) {
  }

  private static final ObjectMapper JSON = Json.MAPPER;
  private static volatile LlmRun current;

  private final Settings settings;
  private final String id;
  private final Path dir;
  private final RequestJournal journal;
  private final LiveStats live = new LiveStats();
  private final long startEpochMs;
  private final long startNanos;
  private final ScheduledExecutorService progress;
  private final PrintStream console;
  private volatile boolean finished;
  /** Guards {@link #recording}: a record is either in the journal before it closes or not taken at all. */
  private final Object recordingLock = new Object();
  private boolean recording = true;
  private volatile Boolean passed;
  private volatile ResourceSampling resourceSampling;
  private volatile CapacitySearch capacitySearch;
  private volatile long lastRecordNanos = System.nanoTime();
  /** A warm-up ({@code llm.warmup}) runs before the measured load: the measured run starts when it ends. */
  private volatile boolean warmupPlanned;
  private final java.util.concurrent.atomic.AtomicBoolean measuring = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long measuredStartEpochMs;
  private final java.util.concurrent.atomic.LongAdder warmupRequests = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder warmupKo = new java.util.concurrent.atomic.LongAdder();
  /** A capacity search waiting for the warm-up to end before it starts its clock. */
  private CapacitySearch pendingSearch;
  private final Object searchLock = new Object();

  private LlmRun(Settings settings, PrintStream console) {
    this.settings = settings;
    this.console = console;
    this.startEpochMs = System.currentTimeMillis();
    this.startNanos = System.nanoTime();
    this.measuredStartEpochMs = startEpochMs;
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String shardSuffix = "1/1".equals(settings.shard()) ? "" : "-shard" + settings.shard().replace("/", "of");
    String base = settings.simulation().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-" + stamp
        + shardSuffix;
    Path candidate = settings.resultsRoot().resolve(base);
    for (int i = 2; Files.exists(candidate); i++) {
      candidate = settings.resultsRoot().resolve(base + "-" + i);
    }
    this.id = candidate.getFileName().toString();
    this.dir = candidate;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create results folder " + dir + ": " + e.getMessage(), e);
    }
    this.journal = RequestJournal.open(dir.resolve("requests.jsonl"));
    this.progress = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-progress");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the run: creates its folder, routes every LLM action's records into it and prints progress every
   * {@code progressSeconds} (0 = never).
   *
   * @param settings        what the run is
   * @param progressSeconds interval of the console progress line
   * @return the run, also reachable through {@link #current()}
   */
  public static synchronized LlmRun start(Settings settings, int progressSeconds) {
    LlmRun run = new LlmRun(settings, System.out);
    current = run;
    RecordSinks.install(() -> run);
    if (progressSeconds > 0) {
      run.progress.scheduleAtFixedRate(
          () -> run.console.println(run.warmupPlanned && !run.measuring.get()
              ? String.format("[%4ds] warm-up: requests %d (KO %d), not counted",
                  (System.nanoTime() - run.startNanos) / 1_000_000_000L, run.warmupRequests.sum(), run.warmupKo.sum())
              : run.live.progressLine((System.nanoTime() - run.startNanos) / 1_000_000_000L)),
          progressSeconds, progressSeconds, TimeUnit.SECONDS);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(run::atJvmExit, "llm-run-end"));
    run.console.println("llm-gatling: run " + run.id + " -> " + run.dir.toAbsolutePath());
    return run;
  }

  /**
   * Samples resources once a second into {@code resources.jsonl} until the run ends: the server process's CPU
   * and memory, the GPUs, the server's gauges, as {@code plan} says ({@code llm.monitor}, {@code llm.monitor.pid}).
   *
   * @param plan what to sample ({@link ResourceSampling#plan})
   */
  public void monitorResources(ResourceSampling.Plan plan) {
    resourceSampling = ResourceSampling.start(plan, dir, console);
  }

  /**
   * Runs an adaptive capacity search ({@code llm.profile=capacity}) during this run: starts it now, feeds it every
   * finished request, moves it on every 250 ms (printing its verdicts), and once it is done
   * {@link #capacityStopRequested()} turns true so that the scenarios stop the injection.
   *
   * @param search the search the scenarios' admission gates ask
   */
  public void searchCapacity(CapacitySearch search) {
    synchronized (searchLock) {
      if (warmupPlanned && !measuring.get()) {
        pendingSearch = search; // its clock starts with the measured load (beginMeasurement)
        return;
      }
    }
    startSearch(search);
  }

  private void startSearch(CapacitySearch search) {
    search.start(System.nanoTime());
    capacitySearch = search;
    console.println("llm-gatling: " + settings.workload().getOrDefault("llm.profile", "capacity search"));
    search.tick(System.nanoTime()).forEach(console::println);
    progress.scheduleWithFixedDelay(() -> search.tick(System.nanoTime()).forEach(console::println),
        250, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * Says that a warm-up ({@code llm.warmup}) runs before the measured load: the run's measured start (its duration,
   * rates, time series, steps, a capacity search's clock) is then when the warm-up ends ({@link #beginMeasurement}),
   * and warm-up records count in no figure. Call before the injection starts.
   */
  public void expectWarmup() {
    warmupPlanned = true;
  }

  /**
   * The warm-up is over, the measured load starts now (idempotent; without a warm-up the run's start is its
   * measured start). Also reached with the first measured request, should a warm-up user never have finished.
   */
  public void beginMeasurement() {
    if (!warmupPlanned || !measuring.compareAndSet(false, true)) {
      return;
    }
    measuredStartEpochMs = System.currentTimeMillis();
    console.println("llm-gatling: warm-up done (" + warmupRequests.sum() + " requests, " + warmupKo.sum()
        + " KO, not counted); measuring from now");
    CapacitySearch search;
    synchronized (searchLock) {
      search = pendingSearch;
      pendingSearch = null;
    }
    if (search != null) {
      startSearch(search);
    }
  }

  /**
   * Whether the capacity search of this JVM's run is done, so that the injection should stop (used by
   * {@code stopLoadGeneratorIf} in the scenarios).
   */
  public static boolean capacityStopRequested() {
    LlmRun run = current;
    return run != null && run.capacitySearch != null && run.capacitySearch.done();
  }

  /** Why the capacity search stops, or a generic sentence. */
  public static String capacityStopReason() {
    LlmRun run = current;
    String reason = run == null || run.capacitySearch == null ? null : run.capacitySearch.stopReason();
    return reason == null ? "capacity search finished" : "capacity search done: " + reason;
  }

  /** The run of this JVM, or null. */
  public static LlmRun current() {
    return current;
  }

  /**
   * Records one finished request. Once the run ends (normally or interrupted), records are no longer taken: a
   * request still in flight at that moment is cut by the injector itself, not by the server, so counting it as
   * a KO (it would end as {@code stream_dropped}) would blame the target for the interruption.
   */
  @Override
  public void accept(RequestRecord record) {
    synchronized (recordingLock) {
      if (!recording) {
        return;
      }
      journal.append(record);
    }
    if (record.warmup()) {
      warmupRequests.increment();
      if (!record.ok()) {
        warmupKo.increment();
      }
      return; // in no figure: not in the progress line, not in a capacity step
    }
    if (warmupPlanned && !measuring.get()) {
      beginMeasurement();
    }
    live.record(record);
    lastRecordNanos = System.nanoTime();
    CapacitySearch search = capacitySearch;
    if (search != null) {
      search.completed(record, System.nanoTime());
    }
  }

  public String id() {
    return id;
  }

  public Path dir() {
    return dir;
  }

  /** Whether every SLO held; null before the end. */
  public Boolean passed() {
    return passed;
  }

  /**
   * Ends the run normally: writes run.json, summary.json and index.html and prints the LLM summary.
   *
   * @return the summary as written to summary.json
   */
  public JsonNode finish() {
    return finish(false);
  }

  private synchronized JsonNode finish(boolean partial) {
    if (finished) {
      return readSummary();
    }
    finished = true;
    if (!partial && capacityStopRequested()) {
      drainAfterCapacityStop();
    }
    progress.shutdownNow();
    CapacitySearch search = capacitySearch;
    if (search != null) {
      search.stop(partial ? "run interrupted" : "injection ended");
      search.tick(System.nanoTime()).forEach(console::println);
      try {
        search.outcome().write(dir);
      } catch (IOException e) {
        console.println("llm-gatling: could not write " + dir.resolve("capacity.json") + ": " + e.getMessage());
      }
    }
    if (resourceSampling != null) {
      resourceSampling.close(); // before the report: it reads resources.jsonl
    }
    synchronized (recordingLock) {
      recording = false;
    }
    RecordSinks.closeAll();
    journal.close();
    long endEpochMs = System.currentTimeMillis();
    RunMeta meta = new RunMeta(id, settings.simulation(), measuredStartEpochMs, endEpochMs, settings.shard(),
        settings.api(), settings.baseUrl(), settings.models(), settings.slos().stream().map(Slo::expr).toList(),
        settings.profile(), steps(), partial, "gatling/index.html", settings.workload());
    try {
      Json.PRETTY.writeValue(dir.resolve("run.json").toFile(), meta);
      LlmReport.generate(dir, meta, settings.slos());
      JsonNode summary = readSummary();
      passed = summary.path("passed").asBoolean(false);
      ConsoleSummary.print(console, summary, dir);
      return summary;
    } catch (IOException | RuntimeException e) {
      passed = false;
      console.println("llm-gatling: could not write the report in " + dir + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * Gatling's stop abandons the users whose requests are still queued or streaming on the server; closing the
   * clients now would record them as dropped streams and count errors the server never made. Their answers are
   * awaited instead, until none has come for a second (at most 20 s).
   */
  private void drainAfterCapacityStop() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() - lastRecordNanos < TimeUnit.SECONDS.toNanos(1) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private List<LoadStep> steps() {
    CapacitySearch search = capacitySearch;
    if (search != null) {
      // a capacity search's steps are its judged windows, decided while it ran
      return search.outcome().steps().stream().map(s -> new LoadStep(s.startMs(), s.endMs(), s.offeredPerSec(), 0))
          .toList();
    }
    return settings.steps().stream().map(s -> LoadStep.placed(s, measuredStartEpochMs)).toList();
  }

  private JsonNode readSummary() {
    try {
      return JSON.readTree(dir.resolve("summary.json").toFile());
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Where Gatling's launcher writes its reports: its {@code -rf}/{@code --results-folder} argument when this JVM
   * was started with one (Gatling does not tell the simulation), else the Maven plugin's {@code target/gatling}.
   */
  static Path launcherResultsFolder(String javaCommand) {
    String[] words = javaCommand.trim().split("\\s+");
    for (int i = 0; i < words.length - 1; i++) {
      if (words[i].equals("-rf") || words[i].equals("--results-folder")) {
        return Path.of(words[i + 1]);
      }
    }
    return Path.of("target/gatling");
  }

  private void atJvmExit() {
    boolean interrupted = !finished;
    if (interrupted) {
      console.println("llm-gatling: run interrupted; writing partial results");
      finish(true);
    }
    GatlingReportCopy.copyNewest(launcherResultsFolder(System.getProperty("sun.java.command", "")), startEpochMs, dir.resolve("gatling"));
    if (Boolean.FALSE.equals(passed) && !interrupted && ExitCode.isGatlingLauncher()) {
      // Gatling's launcher exits 0 when its own assertions pass; the plugin reads 2 as "assertions failed",
      // which is what a broken LLM SLO is. halt: we are the last word on this JVM's status.
      console.flush();
      Runtime.getRuntime().halt(2);
    }
  }
}
