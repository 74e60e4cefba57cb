import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.javaapi.LlmActionBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.run.ArrivalClock;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.PromptSet;
import io.llmgatling.workload.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
   * default run's TTFT p95 3,025 ms) is reported as {@code warmup.coldLoadMs}, not as steady-state latency.
   */
  public MultiTaskSimulation() {
    super(Map.of(), Map.of(Keys.WARMUP.name(), "10"));
  }

  {
    List<PopulationBuilder> populations = new ArrayList<>();
    List<ChainBuilder> warmupVisits = new ArrayList<>();
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
      ScenarioBuilder scenario = scenario(task.name());
      LoadProfile profile = workload().injectedProfile();
      if (profile instanceof LoadProfile.Closed closed) {
        populations.add(scenario.exec(measuredStart()).exec(visit).injectClosed(LlmInjection.closed(closed, share)));
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
    setUp(withWarmup(populations, warmupVisits)).protocols(llmProtocol());
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
        LlmActionBuilder opening = tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
            .messages(MultiTaskSimulation::messages).conversation("history"), task);
        LlmActionBuilder followUp = tuned(llm(task.name()).chat().task(task.name()).model("#{model}")
            .user("#{turn}").conversation("history"), task);
        // a failed turn ends the conversation (the block, and with it the visit)
        return exitBlockOnFail().on(exec(counted).exec(opening).foreach("#{turns}", "turn")
            .on(exec(counted).exec(followUp)));
      }
    }
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
