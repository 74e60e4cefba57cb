package io.llmgatling.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator can truthfully say about its own load, in llama-server's formats (so that the load tool's
 * server gauges read it as they read a real llama-server): {@code GET /metrics} (Prometheus text, llama.cpp's
 * names) and {@code GET /slots}. Ollama's {@code /api/ps} (with each model spec's size as {@code size_vram}) is
 * served by the catalog. No KV-cache figure: the simulator does not model one. Served as llama-server's routes by
 * {@code dialect.llamacpp.LlamaCppNativeDialect} (through {@code ServerExchange.metrics()} and {@code slots()}).
 */
final class Gauges {
  private final LlmSimulator sim;
  private final LongAdder promptTokens = new LongAdder();
  private final LongAdder predictedTokens = new LongAdder();
  private final LongAdder requests = new LongAdder();

  Gauges(LlmSimulator sim) {
    this.sim = sim;
  }

  /** A generation ended (served, failed or abandoned): its evaluated prompt (cache excluded) and the tokens it produced. */
  void finished(int prompt, int predicted) {
    promptTokens.add(prompt);
    predictedTokens.add(predicted);
    requests.increment();
  }

  String metrics() {
    List<SlotScheduler.LoadedModel> loaded = sim.loadedModels();
    int processing = loaded.stream().mapToInt(SlotScheduler.LoadedModel::active).sum();
    int deferred = sim.scheduler().waiting();
    StringBuilder sb = new StringBuilder(1024);
    metric(sb, "prompt_tokens_total", "counter", "Number of prompt tokens processed.", promptTokens.sum());
    metric(sb, "tokens_predicted_total", "counter", "Number of generation tokens processed.", predictedTokens.sum());
    metric(sb, "requests_processing", "gauge", "Number of requests processing.", processing);
    metric(sb, "requests_deferred", "gauge", "Number of requests deferred.", deferred);
    return sb.toString();
  }

  private static void metric(StringBuilder sb, String name, String type, String help, long value) {
    sb.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n')
        .append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n')
        .append("llamacpp:").append(name).append(' ').append(value).append('\n');
  }

  /**
   * llama-server's {@code /slots}: one entry per slot ({@code id}, {@code is_processing}, {@code n_ctx}) of each
   * loaded model; with no slot limit ({@code slots <= 0}) as many slots as requests in progress.
   */
  ArrayNode slots() {
    ArrayNode slots = io.llmgatling.json.Json.MAPPER.createArrayNode();
    int id = 0;
    for (SlotScheduler.LoadedModel m : sim.loadedModels()) {
      int count = sim.config().slots() > 0 ? sim.config().slots() : m.active();
      for (int i = 0; i < count; i++) {
        ObjectNode slot = slots.addObject();
        slot.put("id", id++);
        slot.put("is_processing", i < m.active());
        slot.put("n_ctx", m.spec().contextLength());
        slot.put("model", m.spec().name());
      }
    }
    return slots;
  }
}
