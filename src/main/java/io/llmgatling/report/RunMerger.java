package io.llmgatling.report;

import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges shard runs ({@code merge RUN_DIR... --out DIR}) into one run folder: requests.jsonl concatenated
 * (streamed), run.json spanning the earliest start to the latest end with shard {@code merged n}, then the
 * summary and page as for any run. Rates are over the merged span, so they add up across injectors.
 */
public final class RunMerger {

  /** The merged summary and anything the user should know (e.g. SLOs that could not be read). */
  public record Result(Summary summary, List<String> warnings) {
  }

  private RunMerger() {
  }

  /** @throws IllegalArgumentException when a folder lacks run.json or the output is one of the inputs */
  public static Result merge(List<Path> runDirs, Path outDir) throws IOException {
    if (runDirs.isEmpty()) {
      throw new IllegalArgumentException("merge needs at least one run folder");
    }
    List<RunMeta> metas = new ArrayList<>();
    for (Path runDir : runDirs) {
      if (!Files.isRegularFile(runDir.resolve(RunMeta.FILE_NAME))) {
        throw new IllegalArgumentException("not a run folder (no run.json): " + runDir);
      }
      if (Files.exists(outDir) && Files.isSameFile(runDir, outDir)) {
        throw new IllegalArgumentException("the output folder is one of the inputs: " + outDir);
      }
      metas.add(RunMeta.read(runDir));
    }
    Files.createDirectories(outDir);
    concatenate(runDirs, outDir.resolve(RunAggregator.REQUESTS_FILE));

    List<String> warnings = new ArrayList<>();
    copyResources(runDirs, outDir, warnings);
    RunMeta merged = mergedMeta(outDir.toAbsolutePath().getFileName().toString(), metas, warnings);
    merged.write(outDir);
    List<Slo> slos = List.of();
    if (!merged.slo().isEmpty()) {
      try {
        slos = Slo.parseList(String.join(",", merged.slo()));
      } catch (RuntimeException e) {
        warnings.add("SLOs not judged, they could not be read: " + e.getMessage());
      }
    }
    return new Result(LlmReport.generate(outDir, merged, slos), warnings);
  }

  /** The resource samples file of a run folder. */
  static final String RESOURCES_FILE = "resources.jsonl";

  /**
   * Resource samples into the merged folder: every shard that sampled watched the same server (its process, GPUs
   * and gauges), so adding their samples up would count the server once per shard; the first shard's samples
   * stand for the merged run, and the others are named in a warning.
   */
  private static void copyResources(List<Path> runDirs, Path outDir, List<String> warnings) throws IOException {
    List<Path> sampled = runDirs.stream().filter(dir -> Files.isRegularFile(dir.resolve(RESOURCES_FILE))).toList();
    if (sampled.isEmpty()) {
      return;
    }
    Files.copy(sampled.get(0).resolve(RESOURCES_FILE), outDir.resolve(RESOURCES_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (sampled.size() > 1) {
      warnings.add("resources: the samples of " + sampled.get(0).getFileName() + " stand for the merged run ("
          + (sampled.size() - 1) + " other shard(s) sampled the same server too)");
    }
  }

  private static void concatenate(List<Path> runDirs, Path target) throws IOException {
    try (OutputStream out = Files.newOutputStream(target)) {
      for (Path runDir : runDirs) {
        Path source = runDir.resolve(RunAggregator.REQUESTS_FILE);
        if (!Files.isRegularFile(source)) {
          continue;
        }
        try (InputStream in = Files.newInputStream(source)) {
          in.transferTo(out);
        }
        // a shard cut off mid-line must not glue its last line to the next shard's first
        if (Files.size(source) > 0 && lastByte(source) != '\n') {
          out.write('\n');
        }
      }
    }
  }

  private static int lastByte(Path file) throws IOException {
    try (var channel = Files.newByteChannel(file)) {
      channel.position(channel.size() - 1);
      var buffer = java.nio.ByteBuffer.allocate(1);
      channel.read(buffer);
      return buffer.get(0);
    }
  }

  static RunMeta mergedMeta(String id, List<RunMeta> metas, List<String> warnings) {
    RunMeta first = metas.get(0);
    long start = metas.stream().mapToLong(RunMeta::startEpochMs).min().orElse(0);
    long end = metas.stream().mapToLong(RunMeta::endEpochMs).max().orElse(0);
    Set<String> apis = new LinkedHashSet<>();
    Set<String> baseUrls = new LinkedHashSet<>();
    Set<String> models = new LinkedHashSet<>();
    Set<String> slos = new LinkedHashSet<>();
    boolean partial = false;
    for (RunMeta meta : metas) {
      apis.add(String.valueOf(meta.api()));
      baseUrls.add(String.valueOf(meta.baseUrl()));
      models.addAll(meta.models());
      slos.addAll(meta.slo());
      partial |= meta.partial();
      if (!meta.workload().equals(first.workload())) {
        warnings.add("shard " + meta.id() + " ran other workload settings than " + first.id());
      }
    }
    return new RunMeta(id, first.simulation(), start, end, "merged " + metas.size(), String.join(",", apis),
        String.join(",", baseUrls), List.copyOf(models), List.copyOf(slos), first.profile(), mergedSteps(metas),
        partial, null, first.workload());
  }

  /** Shards of one stairs/capacity run share the step times; their loads add up. Otherwise no steps. */
  private static List<LoadStep> mergedSteps(List<RunMeta> metas) {
    List<LoadStep> steps = metas.get(0).steps();
    if (metas.stream().anyMatch(m -> m.steps().size() != steps.size())) {
      return List.of();
    }
    List<LoadStep> merged = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      long start = Long.MAX_VALUE;
      long end = Long.MIN_VALUE;
      double rate = 0;
      int users = 0;
      for (RunMeta meta : metas) {
        LoadStep step = meta.steps().get(i);
        start = Math.min(start, step.startEpochMs());
        end = Math.max(end, step.endEpochMs());
        rate += step.ratePerSec();
        users += step.users();
      }
      merged.add(new LoadStep(start, end, rate, users));
    }
    return merged;
  }
}
