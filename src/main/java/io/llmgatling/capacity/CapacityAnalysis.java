package io.llmgatling.capacity;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a model of the server from a finished run's records and predicts, with a queueing simulation of that
 * model, the highest request rate that meets the SLOs. Pure: no I/O, no Gatling. The method:
 * docs/capacity-model.md.
 */
public final class CapacityAnalysis {
  /** Requests per replay: enough for a stable p99 of the judged 90 % (1,800 requests). */
  static final int REPLAY_REQUESTS = 2000;
  /** Seed of the request draws and arrival gaps: the same run gives the same prediction. */
  static final long SEED = 42;

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
   * @param doubledSlots           slots of the what-if "twice the slots" (null without a model)
   * @param doubledSlotsMaxRatePerSec predicted max rate with {@code doubledSlots}, for the verdict (null without one)
   */
  public record Result(ServerModel model, Double predictedMaxRatePerSec, List<PredictedPoint> curve,
                       Integer doubledSlots, Double doubledSlotsMaxRatePerSec) {
    /** No model. */
    public static final Result NONE = new Result(null, null, List.of(), null, null);

    public Result(ServerModel model, Double predictedMaxRatePerSec, List<PredictedPoint> curve) {
      this(model, predictedMaxRatePerSec, curve, null, null);
    }
  }

  /**
   * Fits and predicts, arrivals evenly spaced (as the capacity search offers them).
   *
   * @param records the run's records (warm-up excluded)
   * @param slos    the SLOs a rate must meet
   * @param hints   what the server reported about itself
   * @return the model and prediction, {@link Result#NONE} when nothing can be fitted
   */
  public static Result analyze(List<RequestRecord> records, List<Slo> slos, ServerHints hints) {
    return analyze(records, slos, hints, QueueSimulation.Arrivals.REGULAR);
  }

  /** Fits and predicts with the given arrival process. */
  public static Result analyze(List<RequestRecord> records, List<Slo> slos, ServerHints hints,
                               QueueSimulation.Arrivals arrivals) {
    ServerFit.Fit fit = ServerFit.fit(records, hints);
    if (fit == null) {
      return Result.NONE;
    }
    Prediction p = predict(fit.params(), fit.samples(), slos, arrivals);
    // the verdict's what-if: the same server with twice the slots (what a second GPU or --parallel 2N would give,
    // as far as the fitted batching slowdown holds)
    int doubled = 2 * fit.params().slots();
    Prediction twice = predict(fit.params().withSlots(doubled), fit.samples(), slos, arrivals);
    return new Result(fit.model(), p.maxRatePerSec(), p.curve(), doubled, twice.maxRatePerSec());
  }

  /**
   * A prediction.
   *
   * @param maxRatePerSec    highest rate meeting every SLO and below saturation; 0 when no rate meets them
   * @param saturationPerSec the most the model can serve (every slot always busy)
   * @param limitedBy        the SLO that bounds {@code maxRatePerSec}, or "saturation"
   * @param curve            TTFT and E2E p95 from 10 % to 120 % of saturation
   */
  public record Prediction(double maxRatePerSec, double saturationPerSec, String limitedBy,
                           List<PredictedPoint> curve) {
  }

  /**
   * Predicts the highest rate under the SLOs: the saturation rate when it meets them (evenly spaced arrivals of
   * identical requests just below saturation never wait), else a bisection between a trickle and saturation to
   * 0.5 % on the SLO metrics of the replay (they rise with the rate).
   */
  public static Prediction predict(ServerParams server, List<Sample> samples, List<Slo> slos,
                                   QueueSimulation.Arrivals arrivals) {
    double saturation = QueueSimulation.saturationPerSec(server, samples);
    List<PredictedPoint> curve = new ArrayList<>();
    for (double f : new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2}) {
      double rate = saturation * f;
      QueueSimulation.Outcome o = QueueSimulation.run(server, samples, rate, REPLAY_REQUESTS, arrivals, SEED);
      curve.add(new PredictedPoint(ServerFit.round(rate, 3), rounded(stat(o.ttft(), o, null, "p95")),
          rounded(stat(o.e2e(), o, null, "p95"))));
    }
    // just below saturation: at saturation itself a replay of finite length still looks fine
    double top = saturation * 0.999;
    String failing = firstFailing(server, samples, slos, arrivals, top);
    if (failing == null) {
      return new Prediction(ServerFit.round(top, 3), saturation, "saturation", curve);
    }
    double lo = saturation * 0.01;
    if (firstFailing(server, samples, slos, arrivals, lo) != null) {
      return new Prediction(0, saturation, failing, curve);
    }
    double hi = top;
    while (hi - lo > 0.005 * hi) {
      double mid = (lo + hi) / 2;
      String f = firstFailing(server, samples, slos, arrivals, mid);
      if (f == null) {
        lo = mid;
      } else {
        hi = mid;
        failing = f;
      }
    }
    return new Prediction(ServerFit.round(lo, 3), saturation, failing, curve);
  }

  private static Double rounded(Double v) {
    return v == null ? null : ServerFit.round(v);
  }

  /** The expression of the first SLO the replay at {@code rate} breaks, or null when it meets them all. */
  static String firstFailing(ServerParams server, List<Sample> samples, List<Slo> slos,
                             QueueSimulation.Arrivals arrivals, double rate) {
    QueueSimulation.Outcome o = QueueSimulation.run(server, samples, rate, REPLAY_REQUESTS, arrivals, SEED);
    for (Slo slo : slos) {
      Double actual = predicted(slo, o, rate, slos);
      if (actual != null && !slo.isMetBy(actual)) {
        return slo.expr();
      }
    }
    return null;
  }

  /**
   * The predicted value of an SLO's metric in a replay at {@code rate}, or null when the model cannot say
   * (a task the run did not send). No request fails in the model, so errorRate is 0; clientDelay is 0 (an injector
   * that keeps up); goodputPerSec is the rate of requests meeting every per-request SLO of {@code all} that applies
   * to them (run-wide ones and their task's), as the run's goodput counts them.
   */
  public static Double predicted(Slo slo, QueueSimulation.Outcome o, double rate, List<Slo> all) {
    int judged = 0;
    long tokens = 0;
    for (int i = o.judgedFrom(); i < o.tasks().length; i++) {
      if (slo.task() == null || slo.task().equals(o.tasks()[i])) {
        judged++;
        tokens += o.outputTokens()[i];
      }
    }
    if (judged == 0) {
      return null;
    }
    double share = (double) judged / (o.tasks().length - o.judgedFrom());
    return switch (slo.metric()) {
      case "ttft" -> stat(o.ttft(), o, slo.task(), slo.stat());
      case "e2e" -> stat(o.e2e(), o, slo.task(), slo.stat());
      case "itl", "tpot" -> stat(o.itl(), o, slo.task(), slo.stat());
      case "queue" -> stat(o.queue(), o, slo.task(), slo.stat());
      case "clientDelay", "errorRate" -> 0.0;
      case "requestsPerSec" -> rate * share;
      case "outputTokensPerSec" -> rate * share * tokens / judged;
      case "goodputPerSec" -> rate * share * good(o, slo.task(), all) / judged;
      default -> null;
    };
  }

  /** Judged requests (of one task, or all) that meet every per-request SLO applying to them. */
  private static int good(QueueSimulation.Outcome o, String task, List<Slo> all) {
    int good = 0;
    for (int i = o.judgedFrom(); i < o.tasks().length; i++) {
      String t = o.tasks()[i];
      if (task != null && !task.equals(t)) {
        continue;
      }
      boolean ok = true;
      for (Slo s : all) {
        if (!s.perRequest() || (s.task() != null && !s.task().equals(t))) {
          continue;
        }
        double v = switch (s.metric()) {
          case "ttft" -> o.ttft()[i];
          case "e2e" -> o.e2e()[i];
          default -> o.itl()[i];
        };
        if (!Double.isNaN(v) && !s.isMetBy(v)) {
          ok = false;
          break;
        }
      }
      good += ok ? 1 : 0;
    }
    return good;
  }

  /** A statistic of a per-request figure over the judged requests (of one task, or all). */
  public static Double stat(double[] values, QueueSimulation.Outcome o, String task, String stat) {
    double[] v = new double[values.length];
    int n = 0;
    for (int i = o.judgedFrom(); i < values.length; i++) {
      if (!Double.isNaN(values[i]) && (task == null || task.equals(o.tasks()[i]))) {
        v[n++] = values[i];
      }
    }
    if (n == 0) {
      return null;
    }
    v = Arrays.copyOf(v, n);
    Arrays.sort(v);
    return switch (stat == null ? "max" : stat) {
      case "p50" -> ServerFit.percentile(v, 50);
      case "p90" -> ServerFit.percentile(v, 90);
      case "p95" -> ServerFit.percentile(v, 95);
      case "p99" -> ServerFit.percentile(v, 99);
      case "mean" -> ServerFit.mean(v);
      default -> v[n - 1];
    };
  }
}
