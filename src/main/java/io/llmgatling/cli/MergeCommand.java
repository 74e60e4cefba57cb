package io.llmgatling.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by the merge subcommand. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "(not yet implemented)")
public final class MergeCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("merge: not yet implemented");
    return 2;
  }
}
