package io.llmgatling.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * A simulation run by Gatling's launcher in a JVM of its own, as {@code mvn gatling:test} runs it: what a user
 * sees on the console, the exit code, and signals (Ctrl-C, SIGTERM) that would end the test JVM itself.
 */
public final class ChildJvm {
  private final Process process;
  private final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Starts {@code io.gatling.app.Gatling -s simulation -rf work/gatling} on this test JVM's class path, in the
   * project folder (for user-files/), stdout and stderr together into {@code work/console.txt}.
   *
   * @param properties system properties ({@code llm.*}) of the child
   */
  public static ChildJvm start(String simulation, Path work, Map<String, String> properties) {
    return launch(work, properties, List.of("-cp", classPath(), "io.gatling.app.Gatling"),
        List.of("-s", simulation, "-rf", work.resolve("gatling").toString(), "-l", "test"));
  }

  /** As {@link #start}, with {@code pathPrefix} first on the child's PATH (e.g. a stub {@code nvidia-smi}). */
  public static ChildJvm startWithPath(String simulation, Path work, Map<String, String> properties, Path pathPrefix) {
    return launch(work, properties, List.of("-cp", classPath(), "io.gatling.app.Gatling"),
        List.of("-s", simulation, "-rf", work.resolve("gatling").toString(), "-l", "test"), pathPrefix);
  }

  /** As {@link #start}, with {@code classes} (e.g. simulations compiled by the test) first on the class path. */
  public static ChildJvm start(String simulation, Path work, Map<String, String> properties, Path classes) {
    return launch(work, properties,
        List.of("-cp", classes + File.pathSeparator + classPath(), "io.gatling.app.Gatling"),
        List.of("-s", simulation, "-rf", work.resolve("gatling").toString(), "-l", "test"));
  }

  /**
   * Starts the simulation the way {@code mvn gatling:test} does: gatling-maven-plugin 4.x forks
   * {@code java -jar gatlingbooter*.jar}, a jar holding only a manifest whose {@code Class-Path} is the test class
   * path, and reads the child's exit code (2 = "Gatling simulation assertions failed").
   */
  public static ChildJvm startLikeMavenPlugin(String simulation, Path work, Map<String, String> properties) {
    Path booter = work.resolve("gatlingbooter.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.gatling.app.Gatling");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Arrays.stream(classPath().split(File.pathSeparator))
        .filter(entry -> !entry.isBlank()).map(entry -> Path.of(entry).toUri().toString())
        .collect(Collectors.joining(" ")));
    try {
      Files.createDirectories(work);
      try (OutputStream out = Files.newOutputStream(booter); JarOutputStream jar = new JarOutputStream(out, manifest)) {
        jar.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return launch(work, properties, List.of("-jar", booter.toString()),
        List.of("-s", simulation, "-rf", work.resolve("gatling").toString(), "-l", "test"));
  }

  /** Starts {@code mainClass} with {@code args} on this test JVM's class path (e.g. the CLI). */
  public static ChildJvm startMain(String mainClass, Path work, List<String> args) {
    return launch(work, Map.of(), List.of("-cp", classPath(), mainClass), args);
  }

  /** This test JVM's class path (main and test classes, dependencies). */
  public static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static ChildJvm launch(Path work, Map<String, String> properties, List<String> main, List<String> args) {
    return launch(work, properties, main, args, null);
  }

  private static ChildJvm launch(Path work, Map<String, String> properties, List<String> main, List<String> args,
      Path pathPrefix) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("-Xmx512m");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(main);
    command.addAll(args);
    Path output = work.resolve("console.txt");
    try {
      Files.createDirectories(work);
      ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile());
      if (pathPrefix != null) {
        builder.environment().merge("PATH", pathPrefix.toString(), (path, prefix) -> prefix + File.pathSeparator + path);
      }
      Process process = builder.start();
      return new ChildJvm(process, output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Process process() {
    return process;
  }

  /** Waits for the end (at most {@code seconds}, then kills it and fails) and returns the exit code. */
  public int waitFor(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("child JVM still running after " + seconds + " s:\n" + console());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
    return process.exitValue();
  }

  /** Sends a signal by number ({@code kill -SIG pid}). */
  public void signal(String signal) {
    try {
      int code = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (code != 0) {
        throw new AssertionError("kill -" + signal + " failed with " + code);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the child ignores a signal (a background job may inherit an ignored SIGINT). */
  public boolean ignores(int signal) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("SigIgn:")) {
          long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (mask & (1L << (signal - 1))) != 0;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Everything printed so far. */
  public String console() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills the child if a test left it running. */
  public void stop() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
