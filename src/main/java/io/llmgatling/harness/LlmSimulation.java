package io.llmgatling.harness;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Choice;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.record.RunClock;
import io.llmgatling.javaapi.LlmDsl;
import io.llmgatling.javaapi.LlmProtocolBuilder;
import io.llmgatling.run.CapacitySearch;
import io.llmgatling.run.LlmRun;
import io.llmgatling.run.ResourceSampling;
import io.llmgatling.run.ServerPreflight;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.ConfigKey;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.PromptSet;
import io.llmgatling.workload.Slo;
import io.llmgatling.workload.Target;
import io.llmgatling.workload.TaskSpec;
import io.llmgatling.workload.WorkloadConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base class of simulations driven by the {@code llm.*} run properties (SPEC "Run properties"): it reads the
 * workload, starts the embedded simulator when no target is given (or checks the real server, failing fast with
 * one line when it is down or lacks a model), opens the run's results folder, and at the end writes the summary
 * and the LLM report and applies the SLOs.
 *
 * <pre>{@code
 * public class MyChat extends LlmSimulation {
 *   {
 *     setUp(scenario("chat").exec(llm("chat").chat().user("Hello"))
 *         .injectOpen(constantUsersPerSec(1).during(30)))
 *       .protocols(llmProtocol());
 *   }
 * }
 * }</pre>
 */
public abstract class LlmSimulation extends Simulation {

  private final Map<String, String> properties;
  private final Path resultsRoot;
  private final int progressSeconds;
  private final WorkloadConfig workload;
  private final LlmSimulator simulator;
  private final BaseUrl baseUrl;
  private final CapacitySearch capacitySearch;
  private final ServerPreflight.Result serverSays;
  private final ResourceSampling.Plan resources;
  private LlmRun run;
  /** Whether {@link #withWarmup} put a warm-up in front of the measured load. */
  private boolean warmupBuilt;

  /** A simulation configured by the workload file and {@code -Dllm.*} alone. */
  protected LlmSimulation() {
    this(Map.of());
  }

  /**
   * A simulation with defaults of its own for some {@code llm.*} keys, e.g. an LM Studio example that speaks
   * the LM Studio API to the embedded simulator unless told otherwise:
   * {@code super(Map.of("llm.api", "lmstudio"))}. A {@code -D} property wins over these defaults, which win
   * over the workload file.
   *
   * @param defaults {@code llm.*} keys and values applied when the command line does not set them
   */
  protected LlmSimulation(Map<String, String> defaults) {
    this(defaults, Map.of());
  }

  /**
   * A simulation with defaults of its own, and fallbacks: values for keys that neither the command line, the
   * defaults nor the workload file set (the main job's warm-up: {@code Map.of("llm.warmup", "10")}).
   *
   * @param defaults  {@code llm.*} keys applied when the command line does not set them (win over the workload file)
   * @param fallbacks {@code llm.*} keys applied when nothing else sets them
   */
  protected LlmSimulation(Map<String, String> defaults, Map<String, String> fallbacks) {
    this.properties = new LinkedHashMap<>(defaults);
    this.properties.putAll(llmProperties());
    Path userFiles = orExit(() -> runKey(Keys.USER_FILES));
    this.workload = orExit(() -> WorkloadConfig.load(properties, userFiles, fallbacks));
    this.resultsRoot = orExit(() -> runKey(Keys.RESULTS));
    this.progressSeconds = orExit(() -> runKey(Keys.PROGRESS));
    orExit(() -> {
      workload.checkPromptSets();
      return workload;
    });
    if (workload.embeddedSimulator()) {
      this.simulator = orExit(() -> LlmSimulator.start(simulatorConfig(userFiles)));
      this.baseUrl = BaseUrl.of(simulator.baseUrl());
      System.out.println("llm-gatling: embedded simulator (" + workload.api().id() + " API) on " + baseUrl);
    } else {
      this.simulator = null;
      this.baseUrl = workload.baseUrl();
    }
    this.resources = orExit(() -> ResourceSampling.plan(workload.monitor(), workload.monitorPid(), baseUrl,
        workload.apiKey(), workload.insecureTls(), System.getenv("PATH")));
    this.capacitySearch = workload.injectedProfile() instanceof LoadProfile.Capacity capacity
        ? orExit(() -> newCapacitySearch(capacity)) : null;
    // the simulator serves every API family with Ollama's model names, where "name" means "name:latest": check it
    // the Ollama way whatever API the run speaks, so that -Dllm.api=openai|lmstudio runs against it unchanged
    Dialect preflightApi = simulator != null ? Target.SIM.defaultApi() : workload.api();
    this.serverSays = orExit(() -> ServerPreflight.check(preflightApi, baseUrl, workload.apiKey(), workload.models(),
        workload.insecureTls()));
  }

  /**
   * The workload this run was configured with (workload file, then {@code -Dllm.*}).
   *
   * @return the resolved workload
   */
  protected WorkloadConfig workload() {
    return workload;
  }

  /**
   * The protocol pointing at the target: base URL (the embedded simulator's when there is no target), API
   * flavour, key, models, timeouts and TLS opt-in from the workload.
   *
   * @return a protocol builder to refine or pass to {@code protocols(...)}
   */
  protected LlmProtocolBuilder llmProtocol() {
    LlmProtocolBuilder protocol = LlmDsl.llm.baseUrl(baseUrl.uri().toString()).api(workload.api().id())
        .apiKey(workload.apiKey()).models(workload.models())
        .connectTimeout(workload.timeouts().connect()).firstTokenTimeout(workload.timeouts().firstToken())
        .idleTimeout(workload.timeouts().idle()).totalTimeout(workload.timeouts().total());
    return workload.insecureTls() ? protocol.insecureTls() : protocol;
  }

  /**
   * Stops the whole injection, normally, once the capacity search ({@code llm.profile=capacity}) is done; does
   * nothing in other runs. Put it first in every capacity scenario, before {@link #capacityGate}:
   * {@code scenario("chat").exec(stopWhenCapacityFound()).exec(capacityGate(0, visit)).injectOpen(capacityTicks(0))}.
   *
   * @return a chain with Gatling's {@code stopLoadGeneratorIf}
   */
  protected static ChainBuilder stopWhenCapacityFound() {
    return CoreDsl.stopLoadGeneratorIf(session -> LlmRun.capacityStopReason(),
        session -> LlmRun.capacityStopRequested());
  }

  /**
   * The adaptive capacity search of this run ({@code llm.profile=capacity}), or null in other runs. Its tasks are
   * the mix's, in order, each with its share of the requests.
   *
   * @return the search the admission gates ask
   */
  protected CapacitySearch capacitySearch() {
    return capacitySearch;
  }

  /**
   * Injection of a capacity search's tick users for one task (see {@link CapacitySearch}): a steady stream over the
   * time budget (plus a minute for the last step), fine enough for the highest rate the search may offer.
   *
   * @param taskIndex the task's index in the mix
   * @return open injection steps
   */
  protected List<OpenInjectionStep> capacityTicks(int taskIndex) {
    LoadProfile.Capacity capacity = (LoadProfile.Capacity) workload.injectedProfile();
    CapacitySearch.Task task = capacitySearch.tasks().get(taskIndex);
    // closed model: a tick replaces a user that ended; 50 ticks/s make that wait 20 ms at most
    double usersAtMax = capacity.closed() ? 25 : capacity.maxRate() * task.share() / task.requestsPerUser();
    return List.of(CoreDsl.constantUsersPerSec(LoadProfile.Capacity.tickRate(usersAtMax))
        .during(capacity.budget().plusMinutes(1)));
  }

  /**
   * The admission gate of a capacity search for one task: a tick user either becomes an arrival (with its intended
   * start, so that client delay stays honest) and runs {@code visit}, or leaves at once.
   *
   * @param taskIndex the task's index in the mix
   * @param visit     what an admitted user does
   * @return the chain to put after {@link #stopWhenCapacityFound()}
   */
  protected ChainBuilder capacityGate(int taskIndex, ChainBuilder visit) {
    CapacitySearch search = capacitySearch;
    return CoreDsl.exec(session -> {
      long due = search.admit(taskIndex, System.nanoTime());
      return due == CapacitySearch.REFUSED ? session.set(ADMITTED, false)
          : LlmDsl.withIntendedStart(session.set(ADMITTED, true), due);
    }).doIf(session -> session.getBoolean(ADMITTED)).then(
        // the closed model counts the users in their visit: the visit must reach its end, even when it fails
        CoreDsl.exitBlockOnFail().on(visit).exec(session -> {
          search.userDone(taskIndex);
          return session;
        }));
  }

  /**
   * Tells a capacity search that one request of the task is being sent (first turn or follow-up): the search
   * compares completions with requests sent, and learns how many requests a user sends. A no-op in other runs.
   *
   * @param taskIndex the task's index in the mix
   * @return a chain to put right before each LLM request
   */
  protected ChainBuilder countRequest(int taskIndex) {
    CapacitySearch search = capacitySearch;
    return CoreDsl.exec(session -> {
      if (search != null) {
        search.requestStarted(taskIndex, System.nanoTime());
      }
      return session;
    });
  }

  /**
   * Tells a capacity search how many requests the user that just drew its prompt will send (chat: the opening
   * request and one per follow-up turn of {@code #{turns}}; other tasks: one), so that its gate offers requests at
   * the rate exactly. Put it right after the feeder in the admitted visit; a no-op in other runs.
   *
   * @param taskIndex the task's index in the mix
   * @return the chain
   */
  protected ChainBuilder planRequests(int taskIndex) {
    CapacitySearch search = capacitySearch;
    boolean chat = search != null && workload.operationFor(workload.tasks().get(taskIndex)) == Operation.CHAT;
    return CoreDsl.exec(session -> {
      if (search != null) {
        int requests = 1;
        if (chat && session.contains(PromptSet.TURNS)) {
          requests += session.getList(PromptSet.TURNS).size();
        }
        search.planned(taskIndex, requests);
      }
      return session;
    });
  }

  private static final String ADMITTED = "llm.capacityAdmitted";
  private static final String WARMUP_TASK = "llm.warmupTask";

  /**
   * The run's populations with the warm-up ({@code llm.warmup}) in front: one scenario {@code warm-up} whose users
   * arrive at the load's rate (see {@link LlmInjection#warmupOffsets}), each doing the visit of a task of the mix
   * in its share, marked so that their requests are recorded with {@code "warmup": true} and counted nowhere; the
   * measured populations start once every warm-up user is done (Gatling's {@code andThen}), so that arrival
   * schedules, intended starts and the run's measured start all begin after it. Without a warm-up, returns
   * {@code measured} as it is. Start each measured scenario with {@link #measuredStart()}.
   *
   * @param measured the measured populations
   * @param visits   per task of the mix, in its order, what a warm-up user of that task does: the task's visit
   *                 without capacity-search hooks ({@link #countRequest}, {@link #planRequests})
   * @return the populations to pass to {@code setUp}
   */
  protected List<PopulationBuilder> withWarmup(List<PopulationBuilder> measured, List<ChainBuilder> visits) {
    if (!workload.warmup().enabled() || measured.isEmpty()) {
      return measured;
    }
    List<TaskSpec> tasks = workload.tasks();
    List<double[]> arrivals = new ArrayList<>(); // {offset, task index}
    for (int i = 0; i < tasks.size(); i++) {
      for (double offset : LlmInjection.warmupOffsets(workload.injectedProfile(), workload.warmup(),
          workload.mix().fraction(tasks.get(i).name()), i)) {
        arrivals.add(new double[] {offset, i});
      }
    }
    arrivals.sort(Comparator.comparingDouble(a -> a[0]));
    double[] offsets = arrivals.stream().mapToDouble(a -> a[0]).toArray();
    int[] order = arrivals.stream().mapToInt(a -> (int) a[1]).toArray();
    AtomicInteger next = new AtomicInteger();
    List<Choice.WithKey> cases = new ArrayList<>();
    for (int i = 0; i < visits.size(); i++) {
      cases.add(CoreDsl.onCase(i).then(visits.get(i)));
    }
    PopulationBuilder warmup = CoreDsl.scenario("warm-up")
        .exec(session -> LlmDsl.asWarmup(session)
            .set(WARMUP_TASK, order[Math.min(next.getAndIncrement(), order.length - 1)]))
        .doSwitch(session -> session.getInt(WARMUP_TASK)).on(cases)
        .injectOpen(LlmInjection.open(offsets));
    warmupBuilt = true;
    return List.of(warmup.andThen(measured));
  }

  /**
   * Marks the start of the measured load (the end of the warm-up) when the first measured user arrives: put it
   * first in every measured scenario. A no-op without a warm-up.
   *
   * @return the chain
   */
  protected static ChainBuilder measuredStart() {
    return CoreDsl.exec(session -> {
      LlmRun current = LlmRun.current();
      if (current != null) {
        current.beginMeasurement();
      }
      return session;
    });
  }

  private CapacitySearch newCapacitySearch(LoadProfile.Capacity capacity) {
    List<CapacitySearch.Task> tasks = new ArrayList<>();
    for (TaskSpec task : workload.tasks()) {
      double requestsPerUser = 1;
      if (workload.operationFor(task) == Operation.CHAT) {
        // a chat visit is the opening request and one more per follow-up turn (MultiTaskSimulation)
        requestsPerUser = workload.promptSet(task).entries().stream().mapToInt(e -> 1 + e.turns().size())
            .average().orElse(1);
      }
      tasks.add(new CapacitySearch.Task(task.name(), workload.mix().fraction(task.name()), requestsPerUser));
    }
    return new CapacitySearch(capacity, tasks, RunClock::epochMillis);
  }

  /**
   * Opens the run (results folder, journal, progress). Called by Gatling before the injection.
   */
  @Override
  public void before() {
    startRun(getClass().getSimpleName());
  }

  /** Writes summary.json and the LLM report, prints the LLM summary and applies the SLOs. */
  @Override
  public void after() {
    if (run != null) {
      run.finish();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  private void startRun(String simulationName) {
    Map<String, Object> settings = new LinkedHashMap<>(workload.describe());
    List<Slo> slos = workload.slos();
    run = LlmRun.start(new LlmRun.Settings(simulationName, workload.api().id(), baseUrl.toString(),
        workload.models(), slos, workload.injectedProfile().name(),
        workload.injectedProfile().loadSteps(),
        workload.shard().index() + "/" + workload.shard().count(), settings,
        resultsRoot), progressSeconds);
    run.monitorResources(resources);
    if (warmupBuilt) {
      run.expectWarmup();
    }
    if (capacitySearch != null) {
      if (serverSays.slots() != null) {
        capacitySearch.serverSlots(serverSays.slots()); // llama-server's /props, read by the pre-flight
      }
      run.searchCapacity(capacitySearch);
    }
  }

  private SimulatorConfig simulatorConfig(Path userFiles) {
    String configured = properties.get(Keys.SIM_CONFIG.name());
    Path file = configured != null ? userFiles.resolve(configured) : userFiles.resolve("simulator.json");
    if (configured != null && !Files.isRegularFile(file)) {
      throw new ConfigException(Keys.SIM_CONFIG + ": file not found: " + file);
    }
    // one simulator serves every API family; its model names follow Ollama's unless a file says otherwise
    SimulatorConfig base = Files.isRegularFile(file) ? SimulatorConfig.fromFile(file, "ollama")
        : SimulatorConfig.forProfile("ollama");
    return base.toBuilder().host("127.0.0.1").port(0).truthLimit(0)
        .llamacppTimings(workload.api().sendsServerTimings()).seed(workload.seed()).build();
  }

  /** A key the harness reads itself (not part of the workload), parsed as declared. */
  private <T> T runKey(ConfigKey<T> key) {
    String text = properties.get(key.name());
    return text == null || text.isBlank() ? key.defaultValue() : key.parse(text.trim());
  }

  private static Map<String, String> llmProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    System.getProperties().forEach((k, v) -> {
      if (k.toString().startsWith("llm.")) {
        props.put(k.toString(), v.toString());
      }
    });
    return props;
  }

  /**
   * Runs a set-up step; a user mistake (bad property, dead server, missing model) ends the JVM with one line on
   * stderr and exit code 1, before any load, instead of a stack trace.
   */
  private static <T> T orExit(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (ConfigException | ServerPreflight.PreflightException | IllegalArgumentException e) {
      System.err.println("llm-gatling: " + e.getMessage());
      System.err.flush();
      if (Boolean.getBoolean(Keys.THROW_ON_CONFIG_ERROR.name())) {
        throw e;
      }
      System.exit(1);
      return null;
    }
  }
}
