import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.javaapi.LlmActionBuilder;
import io.llmgatling.javaapi.LlmMessage;
import io.llmgatling.json.Json;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.harness.TraceReplay;
import io.llmgatling.run.ArrivalClock;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.PromptSet;
import io.llmgatling.workload.TaskSpec;
import io.llmgatling.workload.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The main job ({@code mvn gatling:test}): every task of {@code llm.mix} is a scenario of its own, with its
 * share of the arrivals, its prompt set, its models and its SLOs. With no {@code llm.target} it loads the
 * embedded simulator.
 */
public class MultiTaskSimulation extends LlmSimulation {
  /**
   * The main job warms up unless told otherwise (command line or workload file): 10 requests in the mix at the
   * load's rate touch every task and model first, so that the simulator's 3 s cold model load (which made the
   * default run's TTFT p95 3,025 ms) is reported as {@code warmup.coldLoadMs}, not as steady-state latency: with it,
   * TTFT p95 1,069 ms (long-context prefill; chat 92 ms), 12 warm-up requests, cold load 3,001 ms.
   */
  public MultiTaskSimulation() {
    super(Map.of(), Map.of(Keys.WARMUP.name(), "10"));
  }

  {
    // one set of populations per target; with llm.compare the targets run one after another
    setUp(eachTarget(this::populations));
  }

  private List<PopulationBuilder> populations() {
    List<PopulationBuilder> populations = new ArrayList<>();
    List<ChainBuilder> warmupVisits = new ArrayList<>();
    boolean trace = workload().injectedProfile() instanceof LoadProfile.Replay;
    if (trace) {
      // llm.profile=trace: the recorded requests at their recorded offsets, as the mix's one task
      populations.add(TraceReplay.population(workload(), (LoadProfile.Replay) workload().injectedProfile(),
          scenarioName("trace")));
    }
    List<TaskSpec> tasks = workload().tasks();
    for (int i = 0; i < tasks.size(); i++) {
      TaskSpec task = tasks.get(i);
      double share = workload().mix().fraction(task.name());
      ChainBuilder visit = exec(feed(workload().promptSet(task).feeder(workload().seed() + i)))
          .exec(planRequests(i)) // a capacity search spaces arrivals by the requests each user will send
          .exec(pickModel(workload().modelsFor(task)))
          .exec(requests(task, i, true));
      // the warm-up draws its own prompts (another seed) and tells no capacity search about its requests
      warmupVisits.add(exec(feed(workload().promptSet(task).feeder(~(workload().seed() + i))))
          .exec(pickModel(workload().modelsFor(task)))
          .exec(requests(task, i, false)));
      if (trace) {
        continue; // the trace is the measured load: the mix's task only warms up
      }
      ScenarioBuilder scenario = scenario(scenarioName(task.name()));
      LoadProfile profile = workload().injectedProfile();
      if (profile instanceof LoadProfile.Closed closed) {
        populations.add(scenario.exec(measuredStart()).exec(LlmInjection.startTogether(closed, share)).exec(visit)
            .injectClosed(LlmInjection.closed(closed, share)));
      } else if (profile instanceof LoadProfile.Capacity) {
        // the search decides the rate while the run goes: tick users, admitted or not by its gate
        populations.add(scenario
            .exec(measuredStart())
            .exec(stopWhenCapacityFound())
            .exec(capacityGate(i, visit))
            .injectOpen(capacityTicks(i)));
      } else {
        double[] arrivals = LlmInjection.arrivalOffsets(profile, share, i);
        if (arrivals.length == 0) {
          continue; // this task's share of a small load rounds to no request at all
        }
        ArrivalClock clock = new ArrivalClock(arrivals);
        populations.add(scenario
            .exec(measuredStart())
            .exec(session -> withIntendedStart(session, clock.plannedStart(System.nanoTime())))
            .exec(visit)
            .injectOpen(LlmInjection.open(arrivals)));
      }
    }
    return withWarmup(populations, warmupVisits);
  }

  /** The requests of one visit: one request, or a multi-turn conversation for chat. */
  private ChainBuilder requests(TaskSpec task, int taskIndex, boolean measured) {
    Operation operation = workload().operationFor(task);
    // a capacity search counts the requests sent (not the warm-up's)
    ChainBuilder counted = measured ? countRequest(taskIndex) : exec(session -> session);
    switch (operation) {
      case EMBED -> {
        return exec(counted).exec(llm(task.name()).embed().task(task.name()).model("#{model}").inputsFrom("#{inputs}")
            .options(workload().optionsFor(task)).check(embeddings().gte(1)));
      }
      case GENERATE, COMPLETION -> {
        LlmActionBuilder action = operation == Operation.GENERATE ? llm(task.name()).generate()
            : llm(task.name()).completion();
        return exec(counted).exec(tuned(action.task(task.name()).model("#{model}").prompt("#{prompt}"), task));
      }
      default -> {
        if (task.name().equals(Tasks.TOOLS.name())) {
          return toolCallTurns(task, counted);
        }
        LlmActionBuilder opening = tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
            .messages(MultiTaskSimulation::messages).conversation("history"), task);
        if (task.name().equals(Tasks.STRUCTURED.name())) {
          // the prompt's schema in the API's own option; an answer not valid against it fails the check
          Dialect api = workload().api();
          opening = sessionOptions(opening, api.schemaOptions("answer", Json.MAPPER.createObjectNode()),
              session -> api.schemaOptions(session.getString(PromptSet.SCHEMA_NAME), session.get(PromptSet.SCHEMA)))
              .check(jsonValid());
        }
        LlmActionBuilder followUp = tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
            .user("#{turn}").conversation("history"), task);
        // a failed turn ends the conversation (the block, and with it the visit)
        return exitBlockOnFail().on(exec(counted).exec(opening).foreach("#{turns}", "turn")
            .on(exec(counted).exec(followUp)));
      }
    }
  }

  /**
   * The tools task: the prompt with its tools, whose answer must call one of them (its id saved), then the tool's
   * result sent back in the same conversation and the final answer measured. Two requests, two records; the
   * second carries {@code toolResult: true}.
   */
  private ChainBuilder toolCallTurns(TaskSpec task, ChainBuilder counted) {
    Dialect api = workload().api();
    Map<String, Object> shape = api.toolOptions(Json.MAPPER.createArrayNode());
    Function<Session, Map<String, Object>> tools = session -> api.toolOptions(session.get(PromptSet.TOOLS));
    LlmActionBuilder call = sessionOptions(tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
        .messages(MultiTaskSimulation::messages).conversation("history"), task), shape, tools)
        .check(toolCall(), toolCallId().saveAs("toolCallId"));
    LlmActionBuilder answer = sessionOptions(tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
        .message(LlmMessage.toolResult(
            session -> session.contains("toolCallId") ? session.getString("toolCallId") : "", // Ollama gives none
            session -> session.getString(PromptSet.TOOL_RESULT)))
        .conversation("history"), task), shape, tools);
    return exitBlockOnFail().on(exec(counted).exec(call).exec(counted).exec(answer));
  }

  /** Options whose names the API fixes ({@code shape}'s keys) and whose values come from the prompt. */
  private static LlmActionBuilder sessionOptions(LlmActionBuilder action, Map<String, Object> shape,
      Function<Session, Map<String, Object>> options) {
    LlmActionBuilder with = action;
    for (String key : shape.keySet()) {
      with = with.option(key, session -> options.apply(session).get(key));
    }
    return with;
  }

  private LlmActionBuilder tuned(LlmActionBuilder action, TaskSpec task) {
    LlmActionBuilder tuned = action.stream(workload().streamFor(task)).options(workload().optionsFor(task))
        .check(outputTokens().gte(1));
    Integer maxTokens = workload().maxTokensFor(task);
    return maxTokens == null || maxTokens <= 0 ? tuned : tuned.maxTokens(maxTokens);
  }

  private static List<Message> messages(Session session) {
    return session.getList(PromptSet.MESSAGES);
  }

  /** Spreads a task's visits over its models in turn, so that several models load and swap as they would. */
  private static ChainBuilder pickModel(List<String> models) {
    AtomicLong next = new AtomicLong();
    return exec(session -> session.set("model", models.get((int) (next.getAndIncrement() % models.size()))));
  }
}
