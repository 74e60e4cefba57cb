package io.llmgatling.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.PromptSet;
import io.llmgatling.workload.Target;
import io.llmgatling.workload.TaskSpec;
import io.llmgatling.workload.WorkloadConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Smoke requests ({@code llm.smoke}, SPEC "Additions → Smoke and verdicts"): after the pre-flight and before the
 * load, one request per task and model, with the task's longest prompt (the one most likely to overflow a small
 * context) and a small output cap. A server that refuses one outright (HTTP 4xx/5xx: context too small, a model
 * that cannot embed) would otherwise turn the load into a wall of identical KOs (26 % errors against a real
 * llama-server with the default mix and its default context); this stops the run with one line instead. Smoke
 * requests are sent by a client of their own and recorded nowhere: they are not in the measured figures.
 */
public final class SmokeRequests {

  /** Output cap of a smoke request: enough to see the model answer, short enough to cost little. */
  static final int MAX_TOKENS = 8;

  /**
   * A refused smoke request.
   *
   * @param task    the task
   * @param model   the model
   * @param cause   SPEC error cause ({@code http_400}, {@code timeout}, ...)
   * @param message the server's own words (or the client's, when nothing came back)
   * @param fix     what to do about it
   */
  public record Refusal(String task, String model, String cause, String message, String fix) {

    /** The one line the run stops with. */
    public String line() {
      return "smoke request refused: task " + task + ", model " + model + ": " + cause
          + (message == null || message.isBlank() ? "" : " \"" + message.strip() + "\"") + ". " + fix
          + " (" + Keys.SMOKE + "=false skips this check)";
    }
  }

  private SmokeRequests() {
  }

  /**
   * Sends the smoke requests, one at a time, and stops at the first refusal.
   *
   * @param workload the run's workload (tasks, their models, prompts, options, timeouts)
   * @param baseUrl  where the load will go
   * @return the first refusal, or null when every task and model answered
   */
  public static Refusal run(WorkloadConfig workload, BaseUrl baseUrl) {
    try (LlmClient client = new LlmClient(ClientOptions.defaults().withInsecureTls(workload.insecureTls()))) {
      for (TaskSpec task : workload.tasks()) {
        for (String model : workload.modelsFor(task)) {
          LlmRequest request = request(workload, baseUrl, task, model);
          RequestRecord record = send(client, request, workload);
          if (!record.ok() && !refusal(record.status())) {
            // busy, rate-limited, a gateway, a timeout or a dropped connection: the load will show how often
            System.out.println("llm-gatling: smoke request of " + task.name() + " (" + model + ") got "
                + record.cause() + ", not a refusal: going on");
            continue;
          }
          if (!record.ok()) {
            return new Refusal(task.name(), model, record.cause(), record.message(),
                fix(workload.target(), task, workload.operationFor(task), record.message()));
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether an HTTP status says the server will not serve such a request at all (a 4xx: context too small, no
   * such model, cannot embed; a 500/501), rather than not now (408, 429, 502, 503, 504) or no status at all.
   */
  static boolean refusal(Integer status) {
    return status != null && status >= 400 && !java.util.Set.of(408, 429, 502, 503, 504).contains(status);
  }

  /**
   * Adds the refusal to a run folder's summary.json, as {@code "smoke": {task, model, cause, message, fix}}.
   *
   * @param runDir  the run folder (its summary.json already written)
   * @param refusal what was refused
   */
  public static void writeInto(Path runDir, Refusal refusal) {
    Path file = runDir.resolve("summary.json");
    try {
      ObjectNode summary = Files.isRegularFile(file) ? (ObjectNode) Json.MAPPER.readTree(file.toFile())
          : Json.MAPPER.createObjectNode();
      ObjectNode smoke = summary.putObject("smoke");
      smoke.put("passed", false);
      smoke.put("task", refusal.task());
      smoke.put("model", refusal.model());
      smoke.put("cause", refusal.cause());
      smoke.put("message", refusal.message());
      smoke.put("fix", refusal.fix());
      summary.put("passed", false);
      Json.PRETTY.writeValue(file.toFile(), summary);
    } catch (IOException | ClassCastException e) {
      System.out.println("llm-gatling: could not add the smoke refusal to " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes the results folder of a run stopped by a refused smoke request, quietly: run.json, an empty
   * requests.jsonl, the report and summary.json with the refusal ({@code smoke}).
   *
   * @param dir        the run folder (created)
   * @param simulation simulation name
   * @param api        API id
   * @param baseUrl    target (no credentials)
   * @param models     models
   * @param profile    load profile name
   * @param workload   the resolved settings
   * @param refusal    what was refused
   * @throws IOException when the folder cannot be written
   */
  public static void writeRun(Path dir, String simulation, String api, String baseUrl, List<String> models,
      String profile, java.util.Map<String, Object> workload, Refusal refusal) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("requests.jsonl"), "");
    long now = System.currentTimeMillis();
    io.llmgatling.report.RunMeta meta = new io.llmgatling.report.RunMeta(dir.getFileName().toString(), simulation,
        now, now, "1/1", api, baseUrl, models, List.of(), profile, List.of(), false, null, workload);
    Json.PRETTY.writeValue(dir.resolve("run.json").toFile(), meta);
    io.llmgatling.report.LlmReport.generate(dir, meta, List.of());
    writeInto(dir, refusal);
  }

  static LlmRequest request(WorkloadConfig workload, BaseUrl baseUrl, TaskSpec task, String model) {
    Operation operation = workload.operationFor(task);
    PromptSet prompts = workload.promptSet(task);
    Integer maxTokens = workload.maxTokensFor(task);
    int cap = maxTokens == null || maxTokens <= 0 ? MAX_TOKENS : Math.min(maxTokens, MAX_TOKENS);
    List<Message> messages = List.of();
    String prompt = null;
    List<String> input = List.of();
    if (operation == Operation.EMBED) {
      input = new ArrayList<>();
      for (int i = 0; i < prompts.batchSize() && i < prompts.size(); i++) {
        input.add(prompts.entries().get(i).prompt());
      }
    } else {
      PromptSet.Entry longest = prompts.entries().stream()
          .max(Comparator.comparingInt(e -> e.messagesWithSystem().stream().mapToInt(m -> m.text().length()).sum()))
          .orElseThrow();
      if (operation == Operation.CHAT) {
        messages = longest.messagesWithSystem();
      } else {
        prompt = longest.prompt();
      }
    }
    return new LlmRequest(task.name(), workload.api(), operation, baseUrl.uri(), workload.apiKey(), model, messages,
        prompt, input, workload.streamFor(task), operation == Operation.EMBED ? null : cap,
        workload.optionsFor(task), workload.timeouts());
  }

  private static RequestRecord send(LlmClient client, LlmRequest request, WorkloadConfig workload) {
    CompletableFuture<LlmResult> done = new CompletableFuture<>();
    client.send(request, System.nanoTime(), done::complete);
    try {
      return done.get(workload.timeouts().total().toMillis() + 5_000, TimeUnit.MILLISECONDS).record();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the smoke requests");
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("smoke request of " + request.task() + " got no answer: " + e);
    }
  }

  /** What to do about a refusal, in the target's own terms. */
  static String fix(Target target, TaskSpec task, Operation operation, String message) {
    String words = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (operation == Operation.EMBED) {
      return "Give the embeddings task an embedding model (llm.embeddingModels=..., e.g. nomic-embed-text"
          + (target == Target.LLAMACPP ? " on a llama-server started with --embeddings" : "")
          + ") or drop embeddings from llm.mix";
    }
    boolean context = words.contains("context") || words.contains("ctx") || words.contains("too long")
        || words.contains("exceed") || words.contains("too many tokens");
    if (context) {
      String how = switch (target) {
        case OLLAMA, SIM -> "-Dllm.option." + task.name() + ".num_ctx=16384";
        case LLAMACPP -> "restart llama-server with a larger --ctx-size (each of its --parallel slots gets ctx-size"
            + " / parallel)";
        case LMSTUDIO -> "load the model with a larger context length (LM Studio's model settings, or lms load"
            + " --context-length 16384)";
        case OPENAI -> "start the server with a longer context (vLLM: --max-model-len)";
      };
      return "The prompts of " + task.name() + " do not fit the model's context: " + how + ", or drop "
          + task.name() + " from llm.mix";
    }
    return "Check that the model serves " + task.name() + " (llm.model, llm.option." + task.name()
        + ".<name>), or drop " + task.name() + " from llm.mix";
  }
}
