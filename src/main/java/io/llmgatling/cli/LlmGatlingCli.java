package io.llmgatling.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command-line entry point: {@code mvn -q exec:java@cli -Dexec.args="<subcommand> ..."}.
 * Each subcommand lives in its own class; user mistakes end as one line on stderr and exit code 2.
 */
@Command(name = "llm-gatling",
    mixinStandardHelpOptions = true,
    version = "llm-gatling 0.1.0",
    description = "Gatling load tests for local LLM servers.",
    subcommands = {
        SimulatorCommand.class,
        CompareCommand.class,
        MergeCommand.class,
        BaselineCommand.class,
        WhatIfCommand.class,
        CalibrateCommand.class,
        CommandLine.HelpCommand.class
    })
public final class LlmGatlingCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0 || !SimulatorCommand.isServing()) {
      System.exit(code);
    }
  }

  /** Runs the CLI without exiting the JVM; returns the exit code. */
  public static int run(String... args) {
    CommandLine cmd = new CommandLine(new LlmGatlingCli());
    // a mistyped flag is one line and a pointer to --help, not the whole usage text
    cmd.setParameterExceptionHandler((ex, commandArgs) -> {
      CommandLine failed = ex.getCommandLine();
      failed.getErr().println("error: " + ex.getMessage() + " (see: " + failed.getCommandSpec().qualifiedName()
          + " --help)");
      return 2;
    });
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return 2;
    });
    return cmd.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
