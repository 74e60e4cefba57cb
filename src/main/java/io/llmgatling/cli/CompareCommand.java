package io.llmgatling.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by the compare subcommand. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "(not yet implemented)")
public final class CompareCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("compare: not yet implemented");
    return 2;
  }
}
