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
import io.llmgatling.engine.gatling.RecordSinks;
import io.llmgatling.engine.record.RunClock;
import io.llmgatling.javaapi.LlmDsl;
import io.llmgatling.javaapi.LlmProtocolBuilder;
import io.llmgatling.report.CompareReport;
import io.llmgatling.report.LlmReport;
import io.llmgatling.run.AutoTarget;
import io.llmgatling.run.CapacitySearch;
import io.llmgatling.run.LlmRun;
import io.llmgatling.run.ResourceSampling;
import io.llmgatling.run.ServerPreflight;
import io.llmgatling.run.SmokeRequests;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.workload.CompareTargets;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.ConfigKey;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.PromptSet;
import io.llmgatling.workload.SharedPrefix;
import io.llmgatling.workload.Slo;
import io.llmgatling.workload.Target;
import io.llmgatling.workload.TaskSpec;
import io.llmgatling.workload.Trace;
import io.llmgatling.workload.WorkloadConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
  private final Path userFiles;
  private final Path resultsRoot;
  private final int progressSeconds;
  private final Map<String, String> fallbacks;
  /** One per target: the run's only one, or one per name of {@code llm.compare}, in order. */
  private final List<Stage> stages;
  /** The stage whose populations are being built ({@link #eachTarget}); the first one otherwise. */
  private Stage building;
  /** The stage whose load is running (compare: switched between targets by the join populations). */
  private volatile Stage running;
  /** {@code results/<run>/} holding one folder per compared target; null without {@code llm.compare}. */
  private Path compareDir;
  /** Whether {@link #eachTarget} chained the compared targets (the first run then opens with its load). */
  private boolean chainedTargets;
  /** False while another compared target follows: its capacity search must not stop the whole injection. */
  private static volatile boolean lastTargetRunning = true;

  /** One target of the simulation with what was checked and set up for it before the load. */
  private static final class Stage {
    final String name;
    final WorkloadConfig workload;
    final LlmSimulator simulator;
    final BaseUrl baseUrl;
    final CapacitySearch capacitySearch;
    final ServerPreflight.Result serverSays;
    final ResourceSampling.Plan resources;
    /** The API spoken: {@code llm.api}, or the one it chose at the pre-flight ({@code lmstudio}: v1 or v0). */
    final Dialect api;
    /** Whether {@link #withWarmup} put a warm-up in front of this target's measured load. */
    boolean warmupBuilt;
    LlmRun run;

    Stage(String name, WorkloadConfig workload, LlmSimulator simulator, BaseUrl baseUrl,
          CapacitySearch capacitySearch, ServerPreflight.Result serverSays, ResourceSampling.Plan resources,
          Dialect api) {
      this.name = name;
      this.api = api;
      this.workload = workload;
      this.simulator = simulator;
      this.baseUrl = baseUrl;
      this.capacitySearch = capacitySearch;
      this.serverSays = serverSays;
      this.resources = resources;
    }
  }

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
    this.fallbacks = Map.copyOf(fallbacks);
    this.userFiles = orExit(() -> runKey(Keys.USER_FILES));
    this.resultsRoot = orExit(() -> runKey(Keys.RESULTS));
    this.progressSeconds = orExit(() -> runKey(Keys.PROGRESS));
    if (Keys.AUTO.equalsIgnoreCase(String.valueOf(properties.get(Keys.TARGET.name())).trim())) {
      // quick mode: the first server found on the usual ports becomes the target, with a short capacity search
      properties.putAll(orExit(() -> AutoTarget.resolve(properties, System.out)));
    }
    List<String> compared = orExit(() -> CompareTargets.names(properties, userFiles));
    List<Stage> all = new ArrayList<>();
    if (compared.isEmpty()) {
      all.add(newStage(null, orExit(() -> WorkloadConfig.load(properties, userFiles, fallbacks))));
    } else {
      for (CompareTargets.Named named : orExit(() -> CompareTargets.load(properties, userFiles, fallbacks))) {
        all.add(newStage(named.name(), named.workload()));
      }
      lastTargetRunning = false;
    }
    this.stages = List.copyOf(all);
    this.building = stages.get(0);
    this.running = stages.get(0);
  }

  private Stage newStage(String name, WorkloadConfig workload) {
    String who = name == null ? "" : " [" + name + "]";
    orExit(() -> {
      workload.checkPromptSets();
      return workload;
    });
    if (workload.profile() instanceof LoadProfile.Replay replay) {
      traceWarnings(replay.trace()).forEach(System.err::println);
    }
    LlmSimulator simulator;
    BaseUrl baseUrl;
    if (workload.embeddedSimulator()) {
      simulator = orExit(() -> LlmSimulator.start(simulatorConfig(userFiles, workload)));
      baseUrl = BaseUrl.of(simulator.baseUrl());
      System.out.println("llm-gatling" + who + ": embedded simulator (" + workload.api().id() + " API) on " + baseUrl);
    } else {
      simulator = null;
      baseUrl = workload.baseUrl();
    }
    ResourceSampling.Plan resources = orExit(() -> ResourceSampling.plan(workload.monitor(), workload.monitorPid(),
        baseUrl, workload.apiKey(), workload.insecureTls(), System.getenv("PATH")));
    CapacitySearch capacitySearch = workload.injectedProfile() instanceof LoadProfile.Capacity capacity
        ? orExit(() -> newCapacitySearch(workload, capacity)) : null;
    // the simulator serves every API family with Ollama's model names, where "name" means "name:latest": check it
    // the Ollama way whatever API the run speaks, so that -Dllm.api=openai|lmstudio runs against it unchanged
    Dialect api = orExit(() -> ServerPreflight.choose(workload.api(), baseUrl, workload.apiKey(),
        workload.insecureTls()));
    if (api != workload.api()) {
      System.out.println("llm-gatling" + who + ": llm.api=" + workload.api().id() + " speaks " + api.id() + " to "
          + baseUrl);
    }
    Dialect preflightApi = simulator != null ? Target.SIM.defaultApi() : api;
    ServerPreflight.Result serverSays = orExit(() -> ServerPreflight.check(preflightApi, baseUrl, workload.apiKey(),
        workload.models(), workload.insecureTls()));
    Stage stage = new Stage(name, workload, simulator, baseUrl, capacitySearch, serverSays, resources,
        api);
    // not against the embedded simulator: its refusals are configured on purpose, and the smoke requests would
    // load its models before the load and hide the cold loads a run measures
    if (simulator == null && smokeOn()) {
      SmokeRequests.Refusal refusal = SmokeRequests.run(workload, baseUrl);
      if (refusal != null) {
        refuseAfterSmoke(stage, refusal);
      }
    }
    return stage;
  }

  /**
   * A smoke request was refused: the run stops before any load with one line, and still writes its results
   * folder, with the refusal in summary.json ({@code smoke}).
   */
  private void refuseAfterSmoke(Stage stage, SmokeRequests.Refusal refusal) {
    String who = stage.name == null ? "" : stage.name + ": ";
    WorkloadConfig workload = stage.workload;
    try {
      SmokeRequests.writeRun(LlmRun.newFolder(resultsRoot, getClass().getSimpleName(), "1/1"),
          getClass().getSimpleName(), workload.api().id(), stage.baseUrl.toString(), workload.models(),
          workload.injectedProfile().name(), new LinkedHashMap<>(workload.describe()), refusal);
    } catch (IOException | RuntimeException e) {
      System.err.println("llm-gatling: could not write the results of the refused run: " + e.getMessage());
    }
    if (stage.simulator != null) {
      stage.simulator.close();
    }
    orExit(() -> {
      throw new ConfigException(who + refusal.line());
    });
  }

  /** {@code llm.smoke} from the properties or the workload file (default true). */
  private boolean smokeOn() {
    String text = WorkloadConfig.mergedKeys(properties, userFiles).get(Keys.SMOKE.name());
    return text == null ? Keys.SMOKE.defaultValue() : orExit(() -> {
      try {
        return Keys.SMOKE.parse(text);
      } catch (IllegalArgumentException e) {
        throw ConfigException.forKey(Keys.SMOKE.name(), e.getMessage());
      }
    });
  }

  /**
   * The workload this run was configured with (workload file, then {@code -Dllm.*}).
   *
   * @return the resolved workload
   */
  protected WorkloadConfig workload() {
    return building.workload;
  }

  /**
   * The protocol pointing at the target: base URL (the embedded simulator's when there is no target), API
   * flavour, key, models, timeouts and TLS opt-in from the workload.
   *
   * @return a protocol builder to refine or pass to {@code protocols(...)}
   */
  protected LlmProtocolBuilder llmProtocol() {
    WorkloadConfig workload = building.workload;
    BaseUrl baseUrl = building.baseUrl;
    LlmProtocolBuilder protocol = LlmDsl.llm.baseUrl(baseUrl.uri().toString()).api(building.api.id())
        .apiKey(workload.apiKey()).models(workload.models())
        .connectTimeout(workload.timeouts().connect()).firstTokenTimeout(workload.timeouts().firstToken())
        .idleTimeout(workload.timeouts().idle()).totalTimeout(workload.timeouts().total());
    if (workload.sharedPrefixTokens() > 0) {
      protocol = protocol.sharedPrefix(SharedPrefix.text(workload.sharedPrefixTokens(), workload.seed()));
    }
    if (workload.nonce()) {
      protocol = protocol.nonce();
    }
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
    // llm.compare: a search done against one target must let the next target's load start
    return CoreDsl.stopLoadGeneratorIf(session -> LlmRun.capacityStopReason(),
        session -> lastTargetRunning && LlmRun.capacityStopRequested());
  }

  /**
   * The adaptive capacity search of this run ({@code llm.profile=capacity}), or null in other runs. Its tasks are
   * the mix's, in order, each with its share of the requests.
   *
   * @return the search the admission gates ask
   */
  protected CapacitySearch capacitySearch() {
    return building.capacitySearch;
  }

  /**
   * Injection of a capacity search's tick users for one task (see {@link CapacitySearch}): a steady stream over the
   * time budget (plus a minute for the last step), fine enough for the highest rate the search may offer.
   *
   * @param taskIndex the task's index in the mix
   * @return open injection steps
   */
  protected List<OpenInjectionStep> capacityTicks(int taskIndex) {
    LoadProfile.Capacity capacity = (LoadProfile.Capacity) building.workload.injectedProfile();
    CapacitySearch.Task task = building.capacitySearch.tasks().get(taskIndex);
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
    CapacitySearch search = building.capacitySearch;
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
    CapacitySearch search = building.capacitySearch;
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
    CapacitySearch search = building.capacitySearch;
    WorkloadConfig workload = building.workload;
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
    WorkloadConfig workload = building.workload;
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
    io.gatling.javaapi.core.ScenarioBuilder marked = CoreDsl.scenario(scenarioName("warm-up"))
        .exec(session -> LlmDsl.asWarmup(session)
            .set(WARMUP_TASK, order[Math.min(next.getAndIncrement(), order.length - 1)]));
    // Gatling's doSwitch wants two cases at least: a one-task mix runs its visit as it is
    PopulationBuilder warmup = (visits.size() == 1 ? marked.exec(visits.get(0))
        : marked.doSwitch(session -> session.getInt(WARMUP_TASK)).on(cases))
        .injectOpen(LlmInjection.open(offsets));
    building.warmupBuilt = true;
    // a protocol given to a population does not pass to the populations chained after it (eachTarget gives the
    // top-level ones theirs): without this, the measured load went to the default base URL (localhost:11434)
    LlmProtocolBuilder protocol = llmProtocol();
    return List.of(warmup.andThen(measured.stream().map(p -> p.protocols(protocol)).toList()));
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

  private static CapacitySearch newCapacitySearch(WorkloadConfig workload, LoadProfile.Capacity capacity) {
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
   * Gatling populations for every target of the run: built once per target by {@code populations} (which reads
   * {@link #workload()}, {@link #llmProtocol()}, {@link #capacityGate} ... of that target), each with that
   * target's protocol. With {@code llm.compare} the targets run one after another in this one simulation: the
   * next target's populations start once every user of the previous one has ended (a join population, one user
   * waiting for them all), and there the previous run is finished into its folder and the next one opened.
   * Scenario names must be unique across targets: name them with {@link #scenarioName}.
   *
   * @param populations builds the populations of the target in hand
   * @return the populations to pass to {@code setUp(...)}
   */
  protected List<PopulationBuilder> eachTarget(Supplier<List<PopulationBuilder>> populations) {
    List<List<PopulationBuilder>> built = new ArrayList<>();
    for (Stage stage : stages) {
      building = stage;
      LlmProtocolBuilder protocol = llmProtocol();
      List<PopulationBuilder> ofStage = populations.get().stream().map(p -> p.protocols(protocol)).toList();
      if (ofStage.isEmpty() && stages.size() > 1) {
        orExit(() -> {
          throw new ConfigException(Keys.COMPARE + " " + stage.name + ": the workload sends no request");
        });
      }
      built.add(ofStage);
    }
    building = stages.get(0);
    List<PopulationBuilder> next = built.get(stages.size() - 1);
    for (int k = stages.size() - 2; k >= 0; k--) {
      List<PopulationBuilder> ofStage = built.get(k);
      AtomicInteger ended = new AtomicInteger();
      int count = ofStage.size();
      Stage from = stages.get(k);
      Stage to = stages.get(k + 1);
      List<PopulationBuilder> chained = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ChainBuilder end = CoreDsl.exec(session -> {
          ended.incrementAndGet();
          return session;
        });
        if (i == 0) {
          ChainBuilder join = end.asLongAs(session -> ended.get() < count).on(CoreDsl.pause(Duration.ofMillis(20)))
              .exec(session -> {
                switchTarget(from, to);
                return session;
              });
          chained.add(ofStage.get(i).andThen(CoreDsl.scenario("compare: " + from.name + " then " + to.name)
              .exec(join).injectOpen(CoreDsl.atOnceUsers(1)).andThen(next)));
        } else {
          chained.add(ofStage.get(i).andThen(CoreDsl.scenario("compare: " + from.name + " ended " + i)
              .exec(end).injectOpen(CoreDsl.atOnceUsers(1))));
        }
      }
      next = chained;
    }
    if (stages.size() == 1) {
      return next;
    }
    // the first target's run opens the way the next ones do, right before its load: each run's duration (and so
    // its rates) then leaves out Gatling's start-up (about 1 s measured, against 0.5 s between two targets)
    chainedTargets = true;
    Stage first = stages.get(0);
    return List.of(CoreDsl.scenario("compare: " + first.name).exec(session -> {
      startRun(first, getClass().getSimpleName());
      return session;
    }).injectOpen(CoreDsl.atOnceUsers(1)).andThen(next));
  }

  /**
   * A scenario name unique across the compared targets: {@code name} itself in a run with one target, else
   * prefixed with the target's name ({@code lmstudio · chat}).
   *
   * @param name the scenario's name within its target
   * @return the name to give Gatling
   */
  protected String scenarioName(String name) {
    return building.name == null ? name : building.name + " · " + name;
  }

  /**
   * Opens the run (results folder, journal, progress). Called by Gatling before the injection.
   */
  @Override
  public void before() {
    if (stages.size() > 1) {
      compareDir = LlmRun.newFolder(resultsRoot, getClass().getSimpleName(), building.workload.shard().index() + "/"
          + building.workload.shard().count());
      System.out.println("llm-gatling: comparing " + stages.stream().map(s -> s.name).toList() + " one after another"
          + " -> " + compareDir.toAbsolutePath());
    }
    if (compareDir == null || !chainedTargets) {
      startRun(stages.get(0), getClass().getSimpleName());
    } else {
      // the actions' components take their record sink when Gatling builds them, before the first run opens
      RecordSinks.install(() -> record -> {
        LlmRun run = running.run;
        if (run != null) {
          run.accept(record);
        }
      });
    }
  }

  /** Writes summary.json and the LLM report, prints the LLM summary and applies the SLOs. */
  @Override
  public void after() {
    Stage last = running;
    if (last.run != null) {
      last.run.finish();
    }
    if (compareDir != null) {
      writeComparison();
    }
    for (Stage stage : stages) {
      if (stage.simulator != null) {
        stage.simulator.close();
      }
    }
    lastTargetRunning = true;
  }

  /** Ends the run of one compared target and opens the next one's (called by the join population). */
  private void switchTarget(Stage from, Stage to) {
    if (from.run != null) {
      from.run.finishBeforeNext();
    }
    if (to == stages.get(stages.size() - 1)) {
      lastTargetRunning = true;
    }
    System.out.println("llm-gatling: next target: " + to.name + " (" + to.workload.api().id() + " @ " + to.baseUrl
        + ")");
    startRun(to, getClass().getSimpleName());
  }

  private void writeComparison() {
    List<Path> dirs = stages.stream().filter(s -> s.run != null).map(s -> s.run.dir()).toList();
    if (dirs.size() < 2) {
      return; // interrupted before the second target: its own folder says what there is
    }
    try {
      List<String> warnings = CompareReport.generate(dirs, compareDir);
      warnings.forEach(w -> System.out.println("llm-gatling: compare warning: " + w));
      System.out.println("llm-gatling: comparison -> " + compareDir.resolve(LlmReport.INDEX_FILE).toAbsolutePath());
    } catch (IOException | RuntimeException e) {
      System.out.println("llm-gatling: could not write the comparison in " + compareDir + ": " + e.getMessage());
    }
  }

  private void startRun(Stage stage, String simulationName) {
    startRun(stage, simulationName, stage.workload.slos());
  }

  private void startRun(Stage stage, String simulationName, List<Slo> slos) {
    WorkloadConfig workload = stage.workload;
    Map<String, Object> settings = new LinkedHashMap<>(workload.describe());
    if (workload.profile() instanceof LoadProfile.Replay replay) {
      // summary.json → trace; the whole trace, so that merged shards say the same
      settings.put("trace", traceFacts(replay.trace()));
    }
    LlmRun.Settings runSettings = new LlmRun.Settings(simulationName, stage.api.id(),
        stage.baseUrl.toString(), workload.models(), slos, workload.injectedProfile().name(),
        workload.injectedProfile().loadSteps(),
        workload.shard().index() + "/" + workload.shard().count(), settings,
        resultsRoot);
    LlmRun run = compareDir == null || stage.name == null ? LlmRun.start(runSettings, progressSeconds)
        : LlmRun.start(runSettings, progressSeconds, compareDir.resolve(stage.name));
    stage.run = run;
    running = stage;
    if (compareDir != null) {
      // one sink for the whole simulation, whatever target's components captured it: the running target's run
      RecordSinks.install(() -> record -> {
        LlmRun current = running.run;
        if (current != null) {
          current.accept(record);
        }
      });
    }
    run.monitorResources(stage.resources);
    if (stage.warmupBuilt) {
      run.expectWarmup();
    }
    if (stage.capacitySearch != null) {
      if (stage.serverSays.slots() != null) {
        stage.capacitySearch.serverSlots(stage.serverSays.slots()); // llama-server's /props, read by the pre-flight
      }
      run.searchCapacity(stage.capacitySearch);
      if (compareDir != null && stage != stages.get(stages.size() - 1)) {
        endWhenSearchDone(stage);
      }
    }
  }

  /** One line per malformed line of a trace (at most 10, then how many more), each naming its line. */
  static List<String> traceWarnings(Trace trace) {
    List<String> lines = new ArrayList<>();
    List<String> skipped = trace.skipped();
    for (int i = 0; i < Math.min(10, skipped.size()); i++) {
      lines.add("llm-gatling: trace " + trace.file() + " " + skipped.get(i) + " (line skipped)");
    }
    if (skipped.size() > 10) {
      lines.add("llm-gatling: trace " + trace.file() + ": " + (skipped.size() - 10) + " more malformed lines skipped");
    }
    return lines;
  }

  /** What the summary says of the trace besides the lag: file, requests, sessions, skipped lines. */
  static Map<String, Object> traceFacts(Trace trace) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("file", trace.file().toString());
    facts.put("requests", trace.requests());
    facts.put("sessions", trace.sessions());
    facts.put("spanMs", Math.round(trace.spanMs()));
    facts.put("blockSize", trace.blockSize());
    facts.put("skippedLines", trace.skipped().size());
    facts.put("skipped", trace.skipped().subList(0, Math.min(10, trace.skipped().size())));
    return facts;
  }


  /**
   * A compared target's capacity search is done before its population ends (Gatling cannot end one population
   * early: its refused ticks go on until the search's time budget and a minute more): its run ends there, so that
   * its duration and rates are the search's, not the idle tail's (73.5 s against 13.3 s measured with a 12 s
   * budget before this).
   */
  private static void endWhenSearchDone(Stage stage) {
    LlmRun run = stage.run;
    Thread watcher = new Thread(() -> {
      try {
        while (!stage.capacitySearch.done()) {
          Thread.sleep(250);
        }
        run.finishBeforeNext();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "llm-compare-end-" + stage.name);
    watcher.setDaemon(true);
    watcher.start();
  }

  private SimulatorConfig simulatorConfig(Path userFiles, WorkloadConfig workload) {
    String configured = properties.get(Keys.SIM_CONFIG.name());
    Path file = configured != null ? userFiles.resolve(configured) : userFiles.resolve("simulator.json");
    if (configured != null && !Files.isRegularFile(file)) {
      throw new ConfigException(Keys.SIM_CONFIG + ": file not found: " + file);
    }
    // one simulator serves every API family; its model names follow Ollama's unless a file says otherwise
    SimulatorConfig base = Files.isRegularFile(file) ? SimulatorConfig.fromFile(file, "ollama")
        : SimulatorConfig.forProfile("ollama");
    // the simulator's own draws (jitter, answer lengths and words, faults) follow the file's seed when it names one,
    // else the run's: bench/calibration.sh repeats a row with other draws and the same prompts
    return base.toBuilder().host("127.0.0.1").port(0).truthLimit(0)
        .llamacppTimings(workload.api().sendsServerTimings()).seed(simulatorSeed(file, base, workload.seed())).build();
  }

  /** The embedded simulator's seed: the file's when it names one, else the run's ({@code llm.seed}). */
  static long simulatorSeed(Path file, SimulatorConfig fromFile, long runSeed) {
    if (!Files.isRegularFile(file)) {
      return runSeed;
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(file)).has("seed")
          ? fromFile.seed() : runSeed;
    } catch (IOException e) {
      return runSeed; // SimulatorConfig.fromFile read it a moment ago: not expected
    }
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
