package io.llmgatling.report;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.util.List;

/**
 * Judges the SLOs of one capacity step's judged window while it is played, with exactly the figures and rules the
 * summary uses for its {@code capacity.steps} (same HdrHistogram-backed stats, same run-wide SLO evaluation), so
 * that the search's live verdict and the written figures cannot disagree on the same requests.
 * Thread-safe: records arrive from the client's event loops.
 */
public final class StepJudge {
  private final List<Slo> limits;
  private final SloEvaluator evaluator;
  private final GroupAggregator group = new GroupAggregator();

  /**
   * @param limits the objectives the step must meet; task-scoped ones are ignored here, as in the summary's steps
   */
  public StepJudge(List<Slo> limits) {
    this.limits = List.copyOf(limits);
    this.evaluator = new SloEvaluator(this.limits);
  }

  /** Adds a finished request meant to start within the step. */
  public synchronized void add(RequestRecord record) {
    group.add(record, evaluator.isGood(record));
  }

  /** Requests added so far. */
  public synchronized long requests() {
    return group.requests();
  }

  /**
   * The limits the step breaks on the requests added so far.
   *
   * @param stepSeconds the step's length, for the rate limits (requestsPerSec, ...)
   * @return the broken limits' expressions in the order given, empty when the step holds
   */
  public synchronized List<String> broken(double stepSeconds) {
    return SloEvaluator.failedRunWide(limits, group.toStats(stepSeconds));
  }

  /** The step's stats so far, e.g. for a progress line. */
  public synchronized Stats stats(double stepSeconds) {
    return group.toStats(stepSeconds);
  }
}
