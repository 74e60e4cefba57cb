package io.llmgatling.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Checks run folders named on the command line before any work, so a typo is one line, not a stack trace. */
final class RunFolders {
  private RunFolders() {
  }

  static void requireExisting(List<Path> runDirs) {
    for (Path runDir : runDirs) {
      if (!Files.isDirectory(runDir)) {
        throw new IllegalArgumentException("run folder not found: " + runDir);
      }
    }
  }
}
