package io.llmgatling.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorCommandTest {

  private static SimulatorConfig parse(String... args) {
    SimulatorCommand command = new SimulatorCommand();
    new CommandLine(command).parseArgs(args);
    return command.buildConfig();
  }

  @Test
  void should_apply_flags_over_the_profile() {
    SimulatorConfig c = parse("--port", "0", "--profile", "llamacpp", "--slots", "0", "--decode-rate", "50",
        "--seed", "7", "--stall-rate", "0.1");
    assertThat(c.profile()).isEqualTo("llamacpp");
    assertThat(c.port()).isZero();
    assertThat(c.slots()).isZero();
    assertThat(c.seed()).isEqualTo(7);
    assertThat(c.models().get(0).decodeTokensPerSec()).isEqualTo(50);
    assertThat(c.faults().stallRate()).isEqualTo(0.1);
  }

  @Test
  void should_set_the_keep_alive_knobs_from_flags() {
    SimulatorConfig c = parse("--profile", "lmstudio", "--keep-alive-timeout-ms", "300", "--keep-alive-max", "7",
        "--no-keep-alive-header");
    assertThat(c.keepAliveTimeoutMs()).isEqualTo(300);
    assertThat(c.keepAliveMax()).isEqualTo(7);
    assertThat(c.keepAliveHeader()).isFalse();
    assertThat(parse("--profile", "llamacpp").keepAliveHeader()).isTrue();
  }

  @Test
  void should_end_a_user_mistake_with_one_line_and_exit_code_2() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      assertThat(LlmGatlingCli.run("simulator", "--profile", "vllm")).isEqualTo(2);
      assertThat(LlmGatlingCli.run("simulator", "--config", "no/such/file.json")).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString().lines().toList()).containsExactly(
        "simulator: unknown profile 'vllm', expected one of: ollama, lmstudio, llamacpp",
        "simulator: simulator config file not found: no/such/file.json");
  }
}
