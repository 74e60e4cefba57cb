package io.llmgatling.report;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Judges SLOs: per request (for goodput) and on aggregated {@link Stats} (for the verdicts). */
final class SloEvaluator {
  private final List<Slo> runWidePerRequest = new ArrayList<>();
  private final Map<String, List<Slo>> perRequestByTask = new HashMap<>();

  SloEvaluator(List<Slo> slos) {
    for (Slo slo : slos) {
      if (slo.perRequest()) {
        if (slo.task() == null) {
          runWidePerRequest.add(slo);
        } else {
          perRequestByTask.computeIfAbsent(slo.task(), t -> new ArrayList<>()).add(slo);
        }
      }
    }
  }

  /**
   * Whether an OK request met every per-request SLO that applies to it (run-wide ones and its task's).
   * A metric the request does not have (no TTFT for embeddings) cannot breach its SLO.
   */
  boolean isGood(RequestRecord r) {
    if (!r.ok() || r.reasoningOnly()) {
      return false; // a request that thought until its limit delivered no answer
    }
    for (Slo slo : runWidePerRequest) {
      if (!meets(slo, r)) {
        return false;
      }
    }
    List<Slo> taskSlos = perRequestByTask.get(r.task());
    if (taskSlos != null) {
      for (Slo slo : taskSlos) {
        if (!meets(slo, r)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean meets(Slo slo, RequestRecord r) {
    Double value = switch (slo.metric()) {
      case "ttft" -> r.ttftMs();
      case "ttfa" -> r.firstAnswerMs();
      case "itl" -> r.itlMs();
      case "tpot" -> r.tpotMs();
      case "e2e" -> r.e2eMs();
      default -> null;
    };
    return value == null || compare(slo, value);
  }

  private static boolean compare(Slo slo, double actual) {
    return slo.lessThan() ? actual < slo.threshold() : actual > slo.threshold();
  }

  /**
   * The verdict of one SLO: a task-scoped one on its task's stats, a run-wide one on {@code all}.
   * With no sample the actual value is null, "no data", and the SLO fails (every request of the task failed, or
   * none carried the metric): a limit nothing measured is not met. It passes only when its scope (the task, or the
   * run) sent no request at all, e.g. a shard whose share of the task rounds to nothing.
   */
  static Summary.SloResult evaluate(Slo slo, Stats all, Map<String, Stats> tasks) {
    Stats stats = slo.task() == null ? all : tasks.get(slo.task());
    Double actual = stats == null ? null : stats.metric(slo.metric(), slo.stat());
    Double shown = actual == null ? null : MetricRecorder.round3(actual);
    boolean nothingSent = stats == null || stats.requests() == 0;
    return new Summary.SloResult(slo.expr(), shown, actual == null ? nothingSent : compare(slo, actual));
  }

  /** The run-wide SLOs that a step's stats fail (task-scoped ones are judged on the whole run only). */
  static List<String> failedRunWide(List<Slo> slos, Stats stats) {
    List<String> failed = new ArrayList<>();
    for (Slo slo : slos) {
      if (slo.task() == null && !evaluate(slo, stats, Map.of()).passed()) {
        failed.add(slo.expr());
      }
    }
    return failed;
  }
}
