package io.llmgatling.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Drives /usr/bin/chromium headless: the DOM after the page's scripts ran, and screenshots. */
final class HeadlessChromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private HeadlessChromium() {
  }

  /** Skips the test when Chromium is missing outside CI; in CI (env CI set) a missing browser fails it. */
  static void requireChromium() {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail("CI is set but " + BINARY + " is missing: install the Debian package chromium");
    }
    Assumptions.abort(BINARY + " not found: install the Debian package chromium to run the browser tests");
  }

  /** The serialized DOM once the page has loaded and its timers ran (virtual time). */
  static String dumpDom(Path page, Path profileDir) throws IOException, InterruptedException {
    return run(page, profileDir, List.of("--dump-dom"));
  }

  static void screenshot(Path page, Path profileDir, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(page, profileDir, List.of("--hide-scrollbars", "--window-size=1400,3000",
        "--screenshot=" + png.toAbsolutePath()));
  }

  private static String run(Path page, Path profileDir, List<String> extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profileDir.toAbsolutePath(),
        "--virtual-time-budget=5000"));
    command.addAll(extra);
    command.add(page.toAbsolutePath().toUri().toString());
    Path out = Files.createTempFile(profileDir.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profileDir.getParent(), "chromium", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("chromium did not finish within 90 s: " + Files.readString(err));
    }
    if (process.exitValue() != 0) {
      fail("chromium exited with " + process.exitValue() + ": " + Files.readString(err));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
