package io.llmgatling.run;

import io.llmgatling.engine.record.RecordSink;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.report.LoadStep;
import io.llmgatling.report.StepJudge;
import io.llmgatling.workload.Slo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Watches a capacity search ({@code llm.profile=capacity}) step by step while it runs and says when to stop.
 *
 * <p>Every finished request goes to the step it was meant to start in ({@code intendedAtMs}), where a
 * {@link StepJudge} keeps its TTFT/E2E percentiles (HdrHistogram) and error rate. A step is judged once it has
 * ended and its requests had time to finish: at {@code end + settle}. Requests still running then are not in the
 * verdict, but on an overloaded server the queue shows in the latency of those that did finish, since each
 * waited for the ones before it. The first step that breaks one of the limits ends the search: the scenarios'
 * {@code stopLoadGeneratorIf} sees {@link #stopRequested()} and Gatling ends the run normally. The steps played so
 * far ({@link #playedSteps()}) are what the summary's {@code capacity} reports on.
 */
public final class CapacityMonitor implements RecordSink {
  private final List<LoadStep> steps;
  private final List<StepJudge> judges = new ArrayList<>();
  private final long settleMs;
  private int judged;                 // steps judged so far (all passed, except maybe the last one)
  private volatile String stopReason; // set once, by the first failing step

  /**
   * @param steps    the planned steps with their times (epoch ms)
   * @param limits   the objectives every step must meet (run-wide ones)
   * @param settleMs how long after a step's end its verdict waits for its last requests
   */
  public CapacityMonitor(List<LoadStep> steps, List<Slo> limits, long settleMs) {
    this.steps = List.copyOf(steps);
    this.settleMs = settleMs;
    for (int i = 0; i < steps.size(); i++) {
      judges.add(new StepJudge(limits));
    }
  }

  /** The settle time for steps of the given length: half a step, at least 1 s, at most 10 s. */
  public static long settleMsFor(long stepMs) {
    return Math.max(1_000, Math.min(10_000, stepMs / 2));
  }

  @Override
  public void accept(RequestRecord record) {
    for (int i = 0; i < steps.size(); i++) {
      LoadStep step = steps.get(i);
      if (record.intendedAtMs() >= step.startEpochMs() && record.intendedAtMs() < step.endEpochMs()) {
        judges.get(i).add(record);
        return;
      }
    }
  }

  /**
   * Judges every step whose settle time has passed, in order, until one fails.
   *
   * @param nowEpochMs the current time
   * @return a line for the console for each step judged now (empty when nothing changed)
   */
  public synchronized List<String> tick(long nowEpochMs) {
    List<String> lines = new ArrayList<>();
    while (stopReason == null && judged < steps.size()
        && nowEpochMs >= steps.get(judged).endEpochMs() + settleMs) {
      LoadStep step = steps.get(judged);
      StepJudge judge = judges.get(judged);
      double seconds = (step.endEpochMs() - step.startEpochMs()) / 1000.0;
      List<String> broken = judge.broken(seconds);
      String head = String.format(Locale.ROOT, "llm-gatling: capacity step %d (%.3g/s, %d requests): ", judged + 1,
          step.ratePerSec(), judge.requests());
      judged++;
      if (broken.isEmpty()) {
        lines.add(head + "held");
      } else {
        stopReason = "capacity search: step " + judged + " broke " + String.join(", ", broken);
        lines.add(head + "broke " + String.join(", ", broken) + "; stopping the injection");
      }
    }
    return lines;
  }

  /** Whether a step broke a limit: the injection should stop. */
  public boolean stopRequested() {
    return stopReason != null;
  }

  /** Why the injection stops, or null. */
  public String stopReason() {
    return stopReason;
  }

  /**
   * How many steps count for the summary: up to the failing one when the search stopped (the next step, cut
   * short by the stop, says nothing), else all of them.
   */
  public synchronized int playedSteps() {
    return stopReason == null ? steps.size() : judged;
  }
}
