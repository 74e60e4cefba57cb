package io.llmgatling.cli;

import io.llmgatling.report.RunMerger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code merge RUN_DIR... --out DIR}: one run folder (requests, summary, report) from shard runs. */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merges shard runs (llm.shard=i/n) into one run folder: requests.jsonl, run.json, summary.json "
        + "and index.html. Exit code 1 when the merged run breaks an SLO.")
public final class MergeCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "shard run folders")
  List<Path> runDirs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder of the merged run")
  Path out;

  @Override
  public Integer call() throws Exception {
    RunFolders.requireExisting(runDirs);
    RunMerger.Result result = RunMerger.merge(runDirs, out);
    result.warnings().forEach(w -> System.out.println("warning: " + w));
    var all = result.summary().all();
    System.out.printf("merged %d runs: %d requests, %.2f req/s, SLOs %s; report: %s%n", runDirs.size(),
        all.requests(), all.requestsPerSec(), result.summary().passed() ? "passed" : "FAILED",
        out.resolve("index.html"));
    return result.summary().passed() ? 0 : 1;
  }
}
