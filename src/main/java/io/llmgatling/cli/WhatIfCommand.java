package io.llmgatling.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.capacity.CapacityAnalysis;
import io.llmgatling.capacity.QueueSimulation;
import io.llmgatling.capacity.Sample;
import io.llmgatling.capacity.ServerFit;
import io.llmgatling.capacity.ServerParams;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code whatif RUN_DIR [--slots N] [--max-tokens N] [--slo EXPR] [--rate R]}: fits the server model from a finished
 * run and answers, without sending a request, what another slot count, answer length or SLO would give.
 */
@Command(name = "whatif", mixinStandardHelpOptions = true,
    description = "Predicts, from a finished run and without load, the highest request rate under the SLOs with "
        + "other slots, longer answers or a stricter SLO, and a given rate's latencies. Writes RUN_DIR/whatif.json.")
public final class WhatIfCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "the run folder (results/<run>)")
  Path runDir;

  @Option(names = "--slots", paramLabel = "N", description = "slots of the server (default: as fitted)")
  Integer slots;

  @Option(names = "--max-tokens", paramLabel = "N",
      description = "answer limit: answers that hit the run's limit get N tokens, others at most N")
  Integer maxTokens;

  @Option(names = "--slo", paramLabel = "EXPR",
      description = "SLOs to meet, comma-separated, e.g. \"ttft.p95<1s\" (default: the run's)")
  String slo;

  @Option(names = "--rate", paramLabel = "R", description = "also predict this rate's latencies (requests/s)")
  Double rate;

  @Option(names = "--arrivals", paramLabel = "KIND",
      description = "regular or poisson (default: poisson for a poisson run, else regular)")
  String arrivals;

  @Override
  public Integer call() throws Exception {
    if (slots != null && slots < 1) {
      throw new IllegalArgumentException("--slots must be >= 1, was " + slots);
    }
    if (maxTokens != null && maxTokens < 1) {
      throw new IllegalArgumentException("--max-tokens must be >= 1, was " + maxTokens);
    }
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new IllegalArgumentException("--rate must be a number of requests/s > 0, was " + rate);
    }
    List<Slo> slos = slo != null ? Slo.parseList(slo) : null;
    QueueSimulation.Arrivals kind = arrivalsFor(arrivals, runDir);
    List<RequestRecord> records = RunRecords.read(runDir);
    if (slos == null) {
      slos = RunRecords.slos(runDir);
    }
    ServerFit.Fit fit = ServerFit.fit(records, RunRecords.hints(runDir));
    if (fit == null) {
      throw new IllegalArgumentException("cannot fit a server model from " + runDir + ": it needs at least "
          + ServerFit.MIN_RECORDS + " successful generating requests with token timings (has " + records.size()
          + " requests)");
    }
    ServerParams asRun = fit.params();
    ServerParams changed = slots == null ? asRun : asRun.withSlots(slots);
    List<Sample> samples = maxTokens == null ? fit.samples() : Sample.withMaxTokens(fit.samples(), maxTokens);

    CapacityAnalysis.Prediction before = CapacityAnalysis.predict(asRun, fit.samples(), slos, kind);
    CapacityAnalysis.Prediction after = CapacityAnalysis.predict(changed, samples, slos, kind);

    ObjectNode out = RunRecords.JSON.createObjectNode();
    out.put("run", runDir.toString());
    out.put("requestsFitted", fit.samples().size());
    out.set("model", RunRecords.JSON.valueToTree(fit.model()));
    ObjectNode changes = out.putObject("changes");
    changes.put("slots", changed.slots());
    if (maxTokens != null) {
      changes.put("maxTokens", maxTokens);
    }
    ArrayNode sloList = changes.putArray("slo");
    slos.forEach(s -> sloList.add(s.expr()));
    changes.put("arrivals", kind.name().toLowerCase(Locale.ROOT));
    out.set("asMeasured", prediction(before));
    ObjectNode predicted = prediction(after);
    out.set("predicted", predicted);

    String sloText = slos.isEmpty() ? "no SLO" : slos.stream().map(Slo::expr).collect(Collectors.joining(", "));
    System.out.println(describe(fit, runDir));
    if ("inFlight".equals(asRun.slotsFrom())) {
      System.out.println("note: no request waited for a slot in this run, so " + asRun.slots() + " slots is a lower "
          + "bound and the predictions as run may be low; a run with more users than slots tells");
    }
    System.out.println(String.format(Locale.ROOT, "As measured (%d slots): %s", asRun.slots(), verdict(before,
        sloText)));
    List<String> what = new ArrayList<>();
    what.add(changed.slots() + " slots");
    if (maxTokens != null) {
      what.add("answers up to " + maxTokens + " tokens");
    }
    System.out.println(String.format(Locale.ROOT, "What-if (%s): %s", String.join(", ", what),
        verdict(after, sloText)));
    if (rate != null) {
      QueueSimulation.Outcome o = QueueSimulation.run(changed, samples, rate, 2000, kind, 42);
      ObjectNode at = predicted.putObject("atRate");
      at.put("ratePerSec", rate);
      Double ttft50 = CapacityAnalysis.stat(o.ttft(), o, null, "p50");
      Double ttft95 = CapacityAnalysis.stat(o.ttft(), o, null, "p95");
      Double e2e50 = CapacityAnalysis.stat(o.e2e(), o, null, "p50");
      Double e2e95 = CapacityAnalysis.stat(o.e2e(), o, null, "p95");
      Double queue95 = CapacityAnalysis.stat(o.queue(), o, null, "p95");
      at.put("ttftP50Ms", round(ttft50));
      at.put("ttftP95Ms", round(ttft95));
      at.put("e2eP50Ms", round(e2e50));
      at.put("e2eP95Ms", round(e2e95));
      at.put("queueP95Ms", round(queue95));
      at.put("sustainable", rate < after.saturationPerSec());
      System.out.println(String.format(Locale.ROOT,
          "At %s req/s: TTFT p50 %s, p95 %s; E2E p50 %s, p95 %s%s", num(rate), sec(ttft50), sec(ttft95),
          sec(e2e50), sec(e2e95), rate < after.saturationPerSec() ? ""
              : " (above saturation: the queue grows without bound, these figures grow with the run's length)"));
    }
    Path file = runDir.resolve("whatif.json");
    RunRecords.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), out);
    System.out.println("Written: " + file);
    return 0;
  }

  static QueueSimulation.Arrivals arrivalsFor(String option, Path runDir) {
    if (option == null) {
      return "poisson".equals(RunRecords.profile(runDir)) ? QueueSimulation.Arrivals.POISSON
          : QueueSimulation.Arrivals.REGULAR;
    }
    return switch (option.toLowerCase(Locale.ROOT)) {
      case "regular" -> QueueSimulation.Arrivals.REGULAR;
      case "poisson" -> QueueSimulation.Arrivals.POISSON;
      default -> throw new IllegalArgumentException("--arrivals must be regular or poisson, was " + option);
    };
  }

  static String describe(ServerFit.Fit fit, Path runDir) {
    ServerParams p = fit.params();
    String slotsHow = switch (p.slotsFrom()) {
      case "server" -> "as the server reports";
      case "queueing" -> "where requests began to wait";
      default -> "at least: no request waited";
    };
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "Model of the server, fitted from %d requests of %s: %d slots (%s), ", fit.samples().size(), runDir,
        p.slots(), slotsHow));
    s.append(p.prefillTokensPerSec() == null ? "prefill " + num(p.overheadMs()) + " ms"
        : "prefill " + num(p.prefillTokensPerSec()) + " tok/s" + (p.overheadMs() >= 0.5
        ? " + " + num(p.overheadMs()) + " ms" : "") + (p.prefillInBatch() ? " alone, in the decode batch" : ""));
    s.append(String.format(Locale.ROOT, ", decode %s tok/s alone, %s with %d streams (batch slowdown %.3f).",
        num(p.perStreamRate(1)), num(p.perStreamRate(p.slots())), p.slots(), p.batchSlowdown()));
    return s.toString();
  }

  private static String verdict(CapacityAnalysis.Prediction p, String sloText) {
    if (p.maxRatePerSec() <= 0) {
      return String.format(Locale.ROOT, "no rate meets %s (%s fails even at a trickle); saturation %s req/s",
          sloText, p.limitedBy(), num(p.saturationPerSec()));
    }
    String limit = "saturation".equals(p.limitedBy()) ? "limited by saturation"
        : "limited by " + p.limitedBy() + "; saturation " + num(p.saturationPerSec()) + " req/s";
    return String.format(Locale.ROOT, "max %s req/s under %s (%s)", num(p.maxRatePerSec()), sloText, limit);
  }

  private static ObjectNode prediction(CapacityAnalysis.Prediction p) {
    ObjectNode n = RunRecords.JSON.createObjectNode();
    n.put("maxRatePerSec", p.maxRatePerSec());
    n.put("saturationPerSec", Math.round(p.saturationPerSec() * 1000) / 1000.0);
    n.put("limitedBy", p.limitedBy());
    n.set("curve", RunRecords.JSON.valueToTree(p.curve()));
    return n;
  }

  private static Double round(Double v) {
    return v == null ? null : Math.round(v * 100) / 100.0;
  }

  /** Three significant figures at most, without trailing zeros: 1234, 45.5, 4.17, 3. */
  static String num(double v) {
    String s = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static String sec(Double ms) {
    return ms == null ? "n/a" : String.format(Locale.ROOT, "%.2f s", ms / 1000);
  }
}
