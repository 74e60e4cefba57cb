package io.llmgatling.harness;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.Operation;
import io.llmgatling.javaapi.LlmActionBuilder;
import io.llmgatling.javaapi.LlmDsl;
import io.llmgatling.run.ArrivalClock;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.Trace;
import io.llmgatling.workload.TracePrompts;
import io.llmgatling.workload.TaskSpec;
import io.llmgatling.workload.WorkloadConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario replaying a trace ({@code llm.profile=trace}): one virtual user per visit (a session, or a request
 * without one), arriving at its first request's recorded offset; each request is sent at its recorded offset with
 * that offset as its intended start, so its client delay ({@code clientDelayMs}) is the replay lag, actual − recorded
 * send time. A session's next turn waits for the previous answer and carries the conversation (chat), so a turn whose
 * previous answer came back after its recorded time is sent late, and its lag says by how much.
 *
 * <p>Prompts are synthesized to the recorded {@code input_length} ({@link TracePrompts}), the output capped at the
 * recorded {@code output_length} (the API's {@code num_predict} / {@code max_tokens}); against llama-server
 * ({@code llm.api=llamacpp}) {@code ignore_eos} is sent too, so the answer runs to that length.
 */
public final class TraceReplay {
  static final String TURNS = "llm.traceTurns";
  static final String TURN = "llm.traceTurn";
  static final String PROMPT = "llm.tracePrompt";
  static final String DUE = "llm.traceDue";
  static final String MODEL = "model";
  static final String HISTORY = "llm.traceHistory";
  /**
   * Seconds between the injection's start and the trace's 0. A first user, sending nothing, arrives at the injection's
   * start and sets the origin the recorded offsets are placed on: Gatling starts its very first users late while it
   * warms up (40-160 ms measured on a loaded 2-core machine), and an origin taken from a late first request would
   * place the next ones early and hide their lag.
   */
  static final double LEAD_IN_SEC = 1.0;

  private TraceReplay() {
  }

  /**
   * The population replaying the trace of {@code replay} as the run's one task.
   *
   * @param workload the run's configuration (task, models, options, seed)
   * @param replay   the trace profile (this injector's share)
   * @return the population to pass to {@code setUp}
   */
  public static PopulationBuilder population(WorkloadConfig workload, LoadProfile.Replay replay) {
    return population(workload, replay, workload.tasks().get(0).name());
  }

  /** The replay as a population of the scenario {@code scenarioName} (one per target when comparing). */
  public static PopulationBuilder population(WorkloadConfig workload, LoadProfile.Replay replay, String scenarioName) {
    Trace trace = replay.trace();
    TaskSpec task = workload.tasks().get(0);
    List<Trace.Visit> visits = trace.visits();
    double[] offsets = injectionOffsets(replay);
    ArrivalClock clock = new ArrivalClock(offsets);
    List<String> models = workload.modelsFor(task);
    int blockSize = trace.blockSize();
    long seed = workload.seed();

    ChainBuilder arrive = exec(session -> {
      ArrivalClock.Arrival arrival = clock.arrive(System.nanoTime());
      if (arrival.index() == 0) {
        return session.set(TURNS, List.of()); // the origin's user: no request
      }
      int index = Math.min(arrival.index(), visits.size()) - 1;
      return session.set(TURNS, visits.get(index).requests()).set(MODEL, models.get(index % models.size()));
    });
    ChainBuilder turn = exec(session -> {
      Trace.Request request = session.get(TURN);
      return session.set(PROMPT, TracePrompts.prompt(request, blockSize, seed));
    }).exec(session -> session.set(DUE, due(clock, session.get(TURN), System.nanoTime())))
        .pause(session -> Duration.ofNanos(Math.max(0, session.getLong(DUE) - System.nanoTime())))
        .exec(session -> LlmDsl.withIntendedStart(session, Math.min(System.nanoTime(), session.getLong(DUE))))
        .exec(request(workload, task));
    return scenario(scenarioName).exec(LlmSimulation.measuredStart()).exec(arrive).exec(foreach(session -> session.getList(TURNS), TURN).on(turn))
        .injectOpen(LlmInjection.open(offsets));
  }

  /**
   * When a request falls due: its recorded offset on the arrivals' origin, or for a turn given a {@code delay}, that
   * long after now (the previous answer has just ended).
   */
  private static long due(ArrivalClock clock, Trace.Request request, long nowNanos) {
    return request.afterDelay() ? nowNanos + Math.round(request.delayMs() * 1e6)
        : clock.dueAt(offsetSec(request), nowNanos);
  }

  private static double offsetSec(Trace.Request request) {
    return LEAD_IN_SEC + request.timestampMs() / 1000;
  }

  /** The injection's arrivals: the origin's user at 0, then each visit at its first request's offset (lead-in on). */
  static double[] injectionOffsets(LoadProfile.Replay replay) {
    double[] starts = replay.arrivalOffsetsSeconds();
    double[] offsets = new double[starts.length + 1];
    for (int i = 0; i < starts.length; i++) {
      offsets[i + 1] = LEAD_IN_SEC + starts[i];
    }
    return offsets;
  }

  /** One request of the trace as the task's operation, its output capped at the recorded length. */
  private static LlmActionBuilder request(WorkloadConfig workload, TaskSpec task) {
    Operation operation = workload.operationFor(task);
    LlmActionBuilder action = switch (operation) {
      case GENERATE -> LlmDsl.llm(task.name()).generate().prompt(TraceReplay::prompt);
      case COMPLETION -> LlmDsl.llm(task.name()).completion().prompt(TraceReplay::prompt);
      default -> LlmDsl.llm(task.name()).chat().user(TraceReplay::prompt).conversation(HISTORY);
    };
    return action.task(task.name()).model("#{" + MODEL + "}").stream(workload.streamFor(task))
        .options(holdOptions(workload, task))
        .maxTokens(session -> ((Trace.Request) session.get(TURN)).outputLength())
        .check(LlmDsl.outputTokens().gte(1));
  }

  private static String prompt(Session session) {
    return session.getString(PROMPT);
  }

  /**
   * The task's options, plus what holds the answer to its cap where the API allows: llama-server's
   * {@code ignore_eos} (its every endpoint reads it); other APIs only cap ({@code llm.option.ignore_eos=true} adds it
   * for vLLM or SGLang behind {@code openai}).
   */
  static Map<String, Object> holdOptions(WorkloadConfig workload, TaskSpec task) {
    Map<String, Object> options = new LinkedHashMap<>(workload.optionsFor(task));
    if (workload.api().id().startsWith("llamacpp")) {
      options.putIfAbsent("ignore_eos", Boolean.TRUE);
    }
    return options;
  }
}
