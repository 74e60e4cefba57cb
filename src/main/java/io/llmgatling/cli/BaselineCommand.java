package io.llmgatling.cli;

import io.llmgatling.report.BaselineGate;
import io.llmgatling.report.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baseline RUN_DIR --baseline summary.json}: exit 1 on a regression beyond the tolerance. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
    description = "Compares a run with a stored baseline summary.json; exit code 1 when a latency went up, a "
        + "throughput went down or the error rate went up by more than the tolerance, 0 otherwise.")
public final class BaselineCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "the run folder (or its summary.json)")
  Path run;

  @Option(names = "--baseline", required = true, paramLabel = "FILE", description = "the baseline summary.json")
  Path baseline;

  @Option(names = "--tolerance", defaultValue = "10%", paramLabel = "PCT",
      description = "allowed relative change, e.g. 10%% (default: ${DEFAULT-VALUE})")
  String tolerance;

  @Option(names = "--metrics", split = ",", paramLabel = "NAME",
      description = "metrics to check (default: ttft.p95,itl.p95,e2e.p95,requestsPerSec,outputTokensPerSec,errorRate)")
  List<String> metrics;

  @Option(names = "--error-rate-slack", defaultValue = "0.1", paramLabel = "POINTS",
      description = "percentage points the error rate may rise beyond the tolerance (default: ${DEFAULT-VALUE})")
  double errorRateSlack;

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(run)) {
      throw new IllegalArgumentException("run folder not found: " + run);
    }
    if (!Files.isRegularFile(baseline)) {
      throw new IllegalArgumentException("baseline summary not found: " + baseline);
    }
    Path currentFile = Files.isDirectory(run) ? run.resolve(Summary.FILE_NAME) : run;
    if (!Files.isRegularFile(currentFile)) {
      throw new IllegalArgumentException("no summary.json in " + run);
    }
    BaselineGate.Result result = BaselineGate.check(Summary.read(baseline), Summary.read(currentFile),
        parseTolerance(tolerance), metrics == null || metrics.isEmpty() ? BaselineGate.DEFAULT_METRICS : metrics,
        errorRateSlack);
    System.out.print(BaselineGate.table(result));
    return result.regressed() ? 1 : 0;
  }

  /** "10%" or "10" mean 10 percent. */
  static double parseTolerance(String text) {
    String number = text.trim().endsWith("%") ? text.trim().substring(0, text.trim().length() - 1) : text.trim();
    try {
      double percent = Double.parseDouble(number);
      if (percent < 0 || Double.isNaN(percent)) {
        throw new NumberFormatException();
      }
      return percent / 100;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--tolerance must be a percentage such as 10%, not '" + text + "'");
    }
  }
}
