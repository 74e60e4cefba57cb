package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.llmgatling.json.Json;
import java.util.List;

/**
 * One step of an adaptive capacity search as the search judged it while the run went ({@code capacity.json} in
 * the run folder, written by {@code io.llmgatling.run.CapacitySearch}); the summary's {@code capacity.steps} adds
 * the latency figures of the same judged window.
 *
 * @param warmupStartMs  start of the step (its warm-up, not judged), epoch ms
 * @param startMs        start of the judged window, epoch ms
 * @param endMs          end of the judged window, epoch ms
 * @param offeredPerSec  the request rate the search offered (requests/s)
 * @param usersPerSec    the arrival rate of virtual users that carried it
 * @param arrivalsPerSec requests actually sent per second in the judged window
 * @param achievedPerSec requests completed per second in the judged window (by completion time)
 * @param completed      requests completed in the judged window
 * @param steady         whether the step held: kept up, no latency trend, errors and SLOs within limits
 * @param reasons        why it did not hold (empty when it held): an SLO expression, {@code throughput},
 *                       {@code queue}, {@code errors} or {@code no data}
 * @param users          closed model: the concurrent users of the step (then {@code offeredPerSec} is the rate
 *                       they sent); null for the open model
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SearchStep(long warmupStartMs, long startMs, long endMs, double offeredPerSec, double usersPerSec,
                         double arrivalsPerSec, double achievedPerSec, long completed, boolean steady,
                         List<String> reasons, Integer users) {
  public SearchStep {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  /** An open-model step. */
  public SearchStep(long warmupStartMs, long startMs, long endMs, double offeredPerSec, double usersPerSec,
                    double arrivalsPerSec, double achievedPerSec, long completed, boolean steady, List<String> reasons) {
    this(warmupStartMs, startMs, endMs, offeredPerSec, usersPerSec, arrivalsPerSec, achievedPerSec, completed, steady,
        reasons, null);
  }

  /**
   * The outcome of a search: {@code capacity.json}.
   *
   * @param requestsPerUser requests per virtual user (measured, else expected from the prompt sets)
   * @param lastGood        highest offered rate (closed model: users) that held below {@code firstBad}, or null
   * @param firstBad        lowest offered rate (closed model: users) that did not hold, or null
   * @param stopReason      why the search ended
   * @param steps           the judged steps in the order played
   * @param serverSlots     parallel slots the server reported (llama-server {@code /props} total_slots), or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Outcome(double requestsPerUser, Double lastGood, Double firstBad, String stopReason,
                        List<SearchStep> steps, Integer serverSlots) {
    /** The file name inside a run folder. */
    public static final String FILE_NAME = "capacity.json";

    public Outcome {
      steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /**
     * The highest rate that held: over the steady steps, the offered rate, or the achieved completion rate when
     * lower (a step just above saturation can pass for steady in a short window; what it completed cannot exceed
     * what the server does), the latter counted one completion short: a window's count is exact to one request, and
     * a capacity a hair above saturation is the one figure this must never print (2 slots x 480 ms, a chat step
     * held at 4.25 req/s completed 4.175/s against 4.167/s; with one completion less, 4.08/s).
     * Null when no step held.
     */
    public Double sustainedPerSec() {
      Double best = null;
      for (SearchStep step : steps) {
        if (step.steady()) {
          double achieved = step.completed() > 1
              ? step.achievedPerSec() * (step.completed() - 1) / step.completed() : step.achievedPerSec();
          double sustained = Math.min(step.offeredPerSec(), achieved);
          best = best == null ? sustained : Math.max(best, sustained);
        }
      }
      return best;
    }

    /** Closed model: the most concurrent users that held, else null. */
    public Integer maxUsers() {
      return steps.stream().filter(s -> s.steady() && s.users() != null).map(SearchStep::users)
          .max(Integer::compare).orElse(null);
    }

    /** Whether the search offered concurrent users (closed model). */
    public boolean closed() {
      return steps.stream().anyMatch(s -> s.users() != null);
    }

    /** Writes {@code runDir/capacity.json}. */
    public void write(java.nio.file.Path runDir) throws java.io.IOException {
      Json.PRETTY.writeValue(runDir.resolve(FILE_NAME).toFile(), this);
    }

    /** Reads {@code runDir/capacity.json}, or null when there is none. */
    public static Outcome read(java.nio.file.Path runDir) throws java.io.IOException {
      java.nio.file.Path file = runDir.resolve(FILE_NAME);
      return java.nio.file.Files.isRegularFile(file) ? Json.MAPPER.readValue(file.toFile(), Outcome.class) : null;
    }
  }
}
