package io.llmgatling.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.capacity.CapacityAnalysis;
import io.llmgatling.capacity.ServerFit;
import io.llmgatling.capacity.ServerParams;
import io.llmgatling.capacity.SimulatorProfile;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code calibrate RUN_DIR... --name NAME [--out DIR]}: fits the server model from finished runs against any server
 * and writes a simulator profile that plays it, {@code DIR/simulator-NAME.json}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Fits slots, prefill rate, decode rate against concurrent streams and load time from finished "
        + "runs (best: closed-loop runs at 1, 2, 4 and 8 users) and writes a simulator profile "
        + "simulator-NAME.json, used with -Dllm.sim.config=simulator-NAME.json.")
public final class CalibrateCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run folders (results/<run>) against the server")
  List<Path> runDirs;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "profile name (letters, digits, . _ -)")
  String name;

  @Option(names = "--out", defaultValue = "user-files", paramLabel = "DIR",
      description = "folder to write simulator-NAME.json into (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--slots", paramLabel = "N",
      description = "the server's slot count when known (llama-server --parallel, /props total_slots); default: "
          + "fitted from where requests began to wait")
  Integer slots;

  @Option(names = "--chars-per-token", paramLabel = "X",
      description = "prompt characters per token of the server's tokenizer, written to the profile (the runs' "
          + "records carry the server's token counts, not the prompt text); default: the simulator's 4")
  Double charsPerToken;

  @Option(names = "--prompt-token-offset", paramLabel = "A", defaultValue = "0",
      description = "tokens the server counts per prompt beyond characters / --chars-per-token (its chat template); "
          + "their prefill is written as the model's fixed prompt cost")
  double promptTokenOffset;

  @Option(names = "--message-tokens", paramLabel = "M", defaultValue = "0",
      description = "tokens the server's chat template adds per chat message (role markers, separators), written to "
          + "the profile's messageTokens: the simulator counts them as prompt tokens; --prompt-token-offset is then "
          + "what a prompt has beyond its text and its messages' template")
  double messageTokens;

  @Option(names = "--prefix-cache", paramLabel = "MODE",
      description = "the server's per-slot prompt cache, written to the profile's models: none, prompt "
          + "(a slot's last prompt is reused; llama-server on a model whose answers re-tokenize otherwise) or "
          + "conversation (its answer too). Default: fitted from the records' cachedTokens (prompt when the server "
          + "served any prompt token from its cache, none when it said it served none), none when they do not say")
  String prefixCache;

  @Option(names = "--jitter", paramLabel = "J", defaultValue = "0",
      description = "the profile's jitter (each token interval, and each prefill of a model without prefillJitter, "
          + "times a seeded draw in [1 - J, 1 + J]); default 0. The prompt times' spread is fitted apart (the models' "
          + "prefillJitter): a batching server's streams get their tokens from the same passes and stay in step, "
          + "and intervals drawn apart drift them apart (against the real llama.cpp engine at 4 streams: TTFT p50 "
          + "688-924 ms with 0.1, 870-1,052 with 0, the engine 949-1,287)")
  double jitter;

  @Override
  public Integer call() throws Exception {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("--name must be letters, digits, '.', '_' or '-', was '" + name + "'");
    }
    RunFolders.requireExisting(runDirs);
    List<RequestRecord> records = new ArrayList<>();
    for (Path runDir : runDirs) {
      records.addAll(RunRecords.read(runDir));
    }
    if ((slots != null && slots < 1) || (charsPerToken != null && !(charsPerToken > 0))) {
      throw new IllegalArgumentException("--slots and --chars-per-token must be > 0");
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("--jitter must be in [0, 1)");
    }
    if (!(promptTokenOffset >= 0) || !(messageTokens >= 0)) {
      throw new IllegalArgumentException("--prompt-token-offset and --message-tokens must be >= 0");
    }
    CapacityAnalysis.ServerHints hints = slots != null ? new CapacityAnalysis.ServerHints(slots)
        : runDirs.stream().map(RunRecords::hints).filter(h -> h.slots() != null).findFirst()
            .orElse(CapacityAnalysis.ServerHints.NONE);
    ServerFit.Fit fit = ServerFit.fit(records, hints);
    if (fit == null) {
      throw new IllegalArgumentException("cannot fit a server model from " + runDirs.size() + " run(s): it needs at "
          + "least " + ServerFit.MIN_RECORDS + " successful generating requests with token timings (has "
          + records.size() + " requests)");
    }
    List<String> apis = records.stream().map(RequestRecord::api).filter(Objects::nonNull).distinct().toList();
    ObjectNode profile = SimulatorProfile.of(fit, apis, charsPerToken, promptTokenOffset, messageTokens);
    String cache = prefixCache != null ? prefixCache
        : fit.cachedShare() == null ? null : fit.cachedShare() > 0 ? "prompt" : "none";
    SimulatorProfile.withPrefixCache(profile, cache);
    profile.put("jitter", jitter);
    String json = RunRecords.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(profile);
    SimulatorConfig.fromJson(json, null); // what we write, the simulator reads
    Files.createDirectories(out);
    Path file = out.resolve("simulator-" + name + ".json");
    Files.writeString(file, json + "\n");

    ServerParams p = fit.params();
    System.out.println(WhatIfCommand.describe(fit, runDirs.size() == 1 ? runDirs.get(0)
        : Path.of(runDirs.size() + " runs")));
    if (fit.cachedShare() != null) {
      System.out.println(String.format(Locale.ROOT, "prompt cache: %.1f %% of the prompt tokens served from the "
          + "server's cache; prefill fitted on the evaluated ones; prefixCache %s%s", fit.cachedShare() * 100,
          cache, prefixCache != null ? " (as told)" : " (fitted)"));
    }
    if (fit.decodeTable() != null) {
      StringBuilder t = new StringBuilder("decode table (requests in the server: per-stream tokens/s):");
      fit.decodeTable().forEach((n, rate) -> t.append(' ').append(n).append(": ").append(WhatIfCommand.num(rate)));
      if (fit.contextMsPer1kTokens() != null) {
        t.append(String.format(Locale.ROOT, "; with no context held, each token interval growing by %s ms per 1,000 "
            + "context tokens x slot holders (contextMsPer1kTokens)", WhatIfCommand.num(fit.contextMsPer1kTokens())));
      }
      System.out.println(t);
    }
    if (fit.prefillTable() != null) {
      StringBuilder t = new StringBuilder("prefill table (requests in the server: evaluated tokens/s, from the "
          + "server's prompt eval times):");
      fit.prefillTable().forEach((n, rate) -> t.append(' ').append(n).append(": ").append(WhatIfCommand.num(rate)));
      System.out.println(t);
    }
    if (fit.prefillSpread() != null) {
      System.out.println(String.format(Locale.ROOT, "prompt times: log-normal spread %s about the fitted prefill "
          + "(interquartile range of the log of the prompts processed alone, over 1.349), the models' prefillJitter; "
          + "the token intervals keep the jitter, %s", WhatIfCommand.num(fit.prefillSpread()),
          WhatIfCommand.num(jitter)));
    }
    if (fit.sharedCachedTokens() != null && fit.sharedCachedTokens() > 0 && promptTokenOffset > 0) {
      System.out.println(String.format(Locale.ROOT, "template: %s of the %s tokens a prompt has beyond its text "
          + "served from the server's cache on nearly every request (10th percentile of cachedTokens); the fixed "
          + "prompt cost charges the rest", fit.sharedCachedTokens(), WhatIfCommand.num(promptTokenOffset)));
    }
    if (p.overheadMs() >= 0.5 && p.overheadMs() <= 20) {
      System.out.println(String.format(Locale.ROOT, "note: the %s ms fixed prefill part fitted is taken for the "
          + "HTTP exchange, which runs against the simulator pay again, and left out of the profile",
          WhatIfCommand.num(p.overheadMs())));
    }
    if (!"queueing".equals(p.slotsFrom()) && !"server".equals(p.slotsFrom())) {
      System.out.println("note: no request waited for a slot in these runs, so " + p.slots() + " slots is a lower "
          + "bound; add a run with more concurrent users than the server has slots");
    }
    System.out.println("Written: " + file);
    String model = fit.models().isEmpty() ? "calibrated" : fit.models().get(0);
    // llm.sim.config is resolved in user-files; an absolute path stays itself
    String config = out.normalize().equals(Path.of("user-files")) ? file.getFileName().toString()
        : file.toAbsolutePath().toString();
    System.out.println("Use it: mvn gatling:test -Dllm.sim.config=" + config + " -Dllm.model=" + model);
    return 0;
  }
}
