package io.llmgatling.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by the baseline subcommand. */
@Command(name = "baseline", mixinStandardHelpOptions = true, description = "(not yet implemented)")
public final class BaselineCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("baseline: not yet implemented");
    return 2;
  }
}
