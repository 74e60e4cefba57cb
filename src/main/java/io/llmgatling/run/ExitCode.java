package io.llmgatling.run;

import io.llmgatling.workload.Keys;

/** Knows whether this JVM is Gatling's own launcher (as forked by the Maven plugin), where the exit code matters. */
final class ExitCode {
  private ExitCode() {
  }

  static boolean isGatlingLauncher() {
    if (Boolean.parseBoolean(System.getProperty(Keys.FAIL_BUILD_ON_SLO.name(), "true"))) {
      String command = System.getProperty("sun.java.command", "");
      // the Maven plugin forks "java -jar gatlingbooter*.jar", which runs io.gatling.app.Gatling
      return command.startsWith("io.gatling.app.Gatling") || command.contains("gatlingbooter");
    }
    return false;
  }
}
