package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the node SDK check scripts of {@code src/test/node} and returns what it printed; installs the node
 * project first ({@code npm ci}) when the package is missing. Asserts the script's exit code 0 (it exits non-zero
 * when the SDK threw, logged a warning or read an empty answer), with its stdout and stderr in the message.
 */
final class NodeChecks {
  private static final Path PROJECT = Path.of("src/test/node");

  private NodeChecks() {
  }

  static String run(String npmPackage, String script, String... args) throws Exception {
    if (!Files.isDirectory(PROJECT.resolve("node_modules").resolve(npmPackage))) {
      exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 180);
    }
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return exec(command, 90);
  }

  private static String exec(List<String> command, int timeoutSeconds) throws Exception {
    File log = Files.createTempFile("node-check", ".err").toFile();
    Process p = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectError(log).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    String err = Files.readString(log.toPath());
    log.delete();
    String out = new String(stdout, StandardCharsets.UTF_8);
    assertThat(done).as("%s finished in time", command).isTrue();
    assertThat(p.exitValue()).as("%s exit code; stdout: %s; stderr: %s", command, out, err).isZero();
    return out;
  }
}
