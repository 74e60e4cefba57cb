package io.llmgatling.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by the simulator subcommand. */
@Command(name = "simulator", mixinStandardHelpOptions = true, description = "(not yet implemented)")
public final class SimulatorCommand implements Callable<Integer> {
  /** True while a standalone simulator keeps the JVM alive. */
  static boolean isServing() {
    return false;
  }
  @Override
  public Integer call() {
    System.err.println("simulator: not yet implemented");
    return 2;
  }
}
