package io.llmgatling.capacity;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.report.ServerModel;
import io.llmgatling.workload.Slo;
import java.util.List;

/**
 * Fits a model of the server from a finished run's records and predicts, with a queueing simulation of that
 * model, the highest request rate that meets the SLOs. Pure: no I/O, no Gatling.
 */
public final class CapacityAnalysis {
  private CapacityAnalysis() {
  }

  /**
   * What the server told about itself, where it offers it (llama-server {@code /props}, {@code /slots}).
   *
   * @param slots parallel slots reported by the server, or null
   */
  public record ServerHints(Integer slots) {
    /** Nothing known. */
    public static final ServerHints NONE = new ServerHints(null);
  }

  /**
   * One point of the predicted curve.
   *
   * @param offeredPerSec requests per second offered
   * @param ttftP95Ms     predicted TTFT p95 at that rate (null when it cannot be predicted)
   * @param e2eP95Ms      predicted E2E p95 at that rate
   */
  public record PredictedPoint(double offeredPerSec, Double ttftP95Ms, Double e2eP95Ms) {
  }

  /**
   * @param model                  the fitted model (null when the records do not allow a fit)
   * @param predictedMaxRatePerSec highest request rate meeting every SLO under the model (null when unknown)
   * @param curve                  predicted latency against offered rate, ascending
   */
  public record Result(ServerModel model, Double predictedMaxRatePerSec, List<PredictedPoint> curve) {
    /** No model. */
    public static final Result NONE = new Result(null, null, List.of());
  }

  /**
   * Fits and predicts.
   *
   * @param records the run's records (warm-up excluded)
   * @param slos    the SLOs a rate must meet
   * @param hints   what the server reported about itself
   * @return the model and prediction, {@link Result#NONE} when nothing can be fitted
   */
  public static Result analyze(List<RequestRecord> records, List<Slo> slos, ServerHints hints) {
    return Result.NONE; // placeholder: the fit and the queueing simulation land with issue 12
  }
}
