package io.llmgatling.report;

import io.llmgatling.capacity.CapacityAnalysis;
import io.llmgatling.capacity.ServerModel;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code summary.json → capacity} of an adaptive capacity search: the search's verdicts ({@code capacity.json}), the
 * latency of each judged window, the fitted model's prediction ({@link CapacityAnalysis}) and the verdict sentence.
 */
final class CapacitySummary {
  private CapacitySummary() {
  }

  static Summary.Capacity of(SearchStep.Outcome search, List<Summary.StepStats> steps, List<Slo> slos,
                             List<RequestRecord> records, Collection<String> tasks) {
    Double maxRate = search.sustainedPerSec();
    Double maxUsers = maxRate == null || search.requestsPerUser() <= 0 ? null
        : MetricRecorder.round3(maxRate / search.requestsPerUser());
    String limitedBy = null;
    if (search.firstBad() != null) {
      for (SearchStep step : search.steps()) {
        double level = step.users() != null ? step.users() : step.offeredPerSec();
        if (!step.steady() && level == search.firstBad() && !step.reasons().isEmpty()) {
          limitedBy = step.reasons().get(0);
        }
      }
    }
    CapacityAnalysis.Result analysis = analyze(records, slos, new CapacityAnalysis.ServerHints(search.serverSlots()));
    List<Summary.PredictedPoint> predicted = analysis.curve() == null ? List.of() : analysis.curve().stream()
        .map(p -> new Summary.PredictedPoint(p.offeredPerSec(), p.ttftP95Ms(), p.e2eP95Ms())).toList();
    Double predictedMax = analysis.predictedMaxRatePerSec() == null ? null
        : MetricRecorder.round3(analysis.predictedMaxRatePerSec());
    String verdict = verdict(search, maxRate == null ? null : MetricRecorder.round3(maxRate), maxUsers, limitedBy,
        analysis.model(), predictedMax, slos, tasks);
    if (analysis.doubledSlots() != null && analysis.doubledSlotsMaxRatePerSec() != null
        && analysis.doubledSlotsMaxRatePerSec() > 0) {
      verdict += " With " + analysis.doubledSlots() + " slots the model predicts "
          + fmt(analysis.doubledSlotsMaxRatePerSec()) + " req/s.";
    }
    return new Summary.Capacity(maxRate == null ? null : MetricRecorder.round3(maxRate), maxUsers,
        search.maxUsers(), Arrays.asList(search.lastGood(), search.firstBad()), limitedBy, predictedMax, analysis.model(), verdict,
        search.stopReason(), predicted, steps);
  }

  private static CapacityAnalysis.Result analyze(List<RequestRecord> records, List<Slo> slos,
                                                CapacityAnalysis.ServerHints hints) {
    try {
      CapacityAnalysis.Result result = CapacityAnalysis.analyze(records, slos, hints);
      return result == null ? CapacityAnalysis.Result.NONE : result;
    } catch (RuntimeException e) {
      // a model that cannot be fitted must not cost the run its summary
      return CapacityAnalysis.Result.NONE;
    }
  }

  /** One or two plain sentences a person can act on. */
  static String verdict(SearchStep.Outcome search, Double maxRate, Double maxUsers, String limitedBy,
                        ServerModel model, Double predictedMax, List<Slo> slos, Collection<String> tasks) {
    String under = slos.stream().filter(s -> s.task() == null).map(Slo::expr).collect(Collectors.joining(", "));
    String users = maxUsers == null ? "" : " (≈ " + fmt(maxUsers) + " " + (tasks.size() == 1
        ? tasks.iterator().next() + " " : "") + "users/s)";
    StringBuilder sb = new StringBuilder();
    if (search.closed()) {
      return closedVerdict(search, maxRate, limitedBy, model, predictedMax, under);
    }
    if (maxRate == null) {
      double lowest = search.steps().stream().mapToDouble(SearchStep::offeredPerSec).min().orElse(0);
      sb.append(search.steps().isEmpty() ? "No step was judged" : "Sustains no rate tried: even " + fmt(lowest)
          + " req/s " + phrase(limitedBy)).append('.');
    } else {
      sb.append("Sustains ").append(fmt(maxRate)).append(" req/s").append(users)
          .append(under.isEmpty() ? "" : " with " + under).append('.');
      if (search.firstBad() != null) {
        sb.append(" Beyond that (").append(fmt(search.firstBad())).append(" req/s) ").append(phrase(limitedBy));
        if (model != null && model.slots() != null) {
          sb.append(": the server runs ").append(model.slots()).append(model.slots() == 1 ? " request" : " requests")
              .append(" at a time");
        }
        sb.append('.');
      } else {
        sb.append(" No offered rate failed (").append(search.stopReason() == null ? "search cut short"
            : search.stopReason()).append("): the capacity is at least that.");
      }
    }
    if (search.lastGood() != null && search.firstBad() != null && search.stopReason() != null
        && search.stopReason().startsWith("time budget")) {
      sb.append(" The time budget ended with the bracket at [").append(fmt(search.lastGood())).append(", ")
          .append(fmt(search.firstBad())).append("] req/s.");
    }
    if (predictedMax != null) {
      sb.append(" The model fitted from this run predicts ").append(fmt(predictedMax)).append(" req/s.");
    }
    return sb.toString();
  }

  private static String closedVerdict(SearchStep.Outcome search, Double maxRate, String limitedBy, ServerModel model,
                                      Double predictedMax, String under) {
    Integer users = search.maxUsers();
    StringBuilder sb = new StringBuilder();
    if (users == null) {
      sb.append("Sustains no concurrency tried: even ").append(search.steps().stream().mapToInt(
          s -> s.users() == null ? 0 : s.users()).min().orElse(0)).append(" users ").append(phrase(limitedBy))
          .append('.');
    } else {
      sb.append("Sustains ").append(users).append(users == 1 ? " concurrent user" : " concurrent users")
          .append(maxRate == null ? "" : " (" + fmt(maxRate) + " req/s)")
          .append(under.isEmpty() ? "" : " with " + under).append('.');
      if (search.firstBad() != null) {
        sb.append(" With ").append(fmt(search.firstBad())).append(" users ").append(phrase(limitedBy));
        if (model != null && model.slots() != null) {
          sb.append(": the server runs ").append(model.slots()).append(" requests at a time");
        }
        sb.append('.');
      } else {
        sb.append(" No concurrency failed (").append(search.stopReason()).append(").");
      }
    }
    if (predictedMax != null) {
      sb.append(" The model fitted from this run predicts ").append(fmt(predictedMax)).append(" req/s.");
    }
    return sb.toString();
  }

  private static String phrase(String limitedBy) {
    if (limitedBy == null) {
      return "did not hold";
    }
    return switch (limitedBy) {
      case "throughput" -> "completions fall behind arrivals and requests queue";
      case "queue" -> "latency keeps growing as requests queue";
      case "errors" -> "errors exceed the budget";
      case "no data" -> "too few requests finished to judge";
      default -> "breaks " + limitedBy;
    };
  }

  static String fmt(double v) {
    String s = v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : v >= 1 ? String.format(Locale.ROOT, "%.2f", v)
        : String.format(Locale.ROOT, "%.3f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
