package io.llmgatling.cli;

import io.llmgatling.report.CompareReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code compare RUN_DIR RUN_DIR... --out DIR}: two or more runs side by side on one page. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Side-by-side report of two or more runs: overlaid charts, deltas against the first run, "
        + "the better side per metric, warnings where the workloads differ.")
public final class CompareCommand implements Callable<Integer> {

  @Parameters(arity = "2..*", paramLabel = "RUN_DIR", description = "run folders (results/<run>); the first is the reference")
  List<Path> runDirs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write index.html into")
  Path out;

  @Override
  public Integer call() throws Exception {
    RunFolders.requireExisting(runDirs);
    List<String> warnings = CompareReport.generate(runDirs, out);
    warnings.forEach(w -> System.out.println("warning: " + w));
    System.out.println("comparison written to " + out.resolve("index.html"));
    return 0;
  }
}
