package io.llmgatling.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Copies the report Gatling wrote for this run (the newest folder under its results folder) into ours. */
final class GatlingReportCopy {
  private GatlingReportCopy() {
  }

  static void copyNewest(Path gatlingResults, long notBeforeEpochMs, Path target) {
    if (!Files.isDirectory(gatlingResults)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(gatlingResults)) {
      Optional<Path> newest = dirs.filter(Files::isDirectory)
          .filter(d -> Files.exists(d.resolve("index.html")))
          .filter(d -> modified(d) >= notBeforeEpochMs - 1000)
          .max(Comparator.comparingLong(GatlingReportCopy::modified));
      if (newest.isPresent()) {
        copyTree(newest.get(), target);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("llm-gatling: could not copy Gatling's report: " + e.getMessage());
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path source : (Iterable<Path>) all::iterator) {
        Path dest = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
