package io.llmgatling.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls what the target tells about its own load, once a second, through the project's client
 * ({@link LlmClient#get}), into the run's {@code resources.jsonl} as {@code "source":"server"} lines. The first
 * poll asks every endpoint below; the ones that answer are asked from then on (a server without them costs one
 * 404 each; when none answers, the question is asked again up to {@value #DISCOVERY_POLLS} times, as a server
 * busy at the start may time out):
 * <ul>
 *   <li>llama-server {@code /metrics} (needs {@code --metrics}): {@code requestsProcessing},
 *       {@code requestsDeferred}, {@code kvCacheUsePercent} and {@code kvCacheTokens} (builds that still export
 *       them), counters {@code promptTokensTotal}, {@code tokensPredictedTotal};</li>
 *   <li>llama-server {@code /slots}: {@code slots}, {@code busySlots} ({@code is_processing});</li>
 *   <li>Ollama {@code /api/ps}: {@code loadedModels}, {@code vramMb} (sum of {@code size_vram}), {@code modelMb}
 *       (sum of {@code size}), {@code vramMbByModel} ({@code size_vram} of each loaded model);</li>
 *   <li>LM Studio {@code /api/v1/models}: {@code loadedInstances}.</li>
 * </ul>
 * Cost, measured against the embedded simulator on the shared 2-core box (polls back to back, warm JVM): 6.0 ms
 * of wall time and 6.6 ms of CPU per poll of its three endpoints, client and simulator together, so 0.7 % of one
 * core at one poll a second. Each GET is on a fresh connection (the pre-flight's {@link LlmClient#get}): the
 * load's pooled connections are never borrowed.
 */
public final class ServerGauges implements AutoCloseable {
  /** The endpoints asked, in order. */
  public static final List<String> ENDPOINTS = List.of("/metrics", "/slots", "/api/ps", "/api/v1/models");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);
  private static final double MIB = 1024.0 * 1024.0;
  private static final int DISCOVERY_POLLS = 5;

  private final LlmClient client;
  private final BaseUrl baseUrl;
  private final String apiKey;
  private final ResourceLog out;
  private final ScheduledExecutorService poller;
  private volatile List<String> answering;
  private volatile long samples;
  private int discoveryPolls;

  private ServerGauges(BaseUrl baseUrl, String apiKey, boolean insecureTls, ResourceLog out, Duration interval) {
    this.client = new LlmClient(ClientOptions.defaults().withInsecureTls(insecureTls));
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.out = out;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-monitor-server");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts polling.
   *
   * @param baseUrl     the target root
   * @param apiKey      bearer token or null
   * @param insecureTls as for the load
   * @param log         the run's resource log
   * @param interval    time between polls (1 s for runs)
   * @return the running poller
   */
  public static ServerGauges start(BaseUrl baseUrl, String apiKey, boolean insecureTls, ResourceLog log,
      Duration interval) {
    return new ServerGauges(baseUrl, apiKey, insecureTls, log, interval);
  }

  /** Lines written so far. */
  public long samples() {
    return samples;
  }

  /** The endpoints polled, those that answered the first poll with an answer (null until then). */
  public List<String> answering() {
    return answering;
  }

  private void poll() {
    List<String> asked = answering == null ? ENDPOINTS : answering;
    List<String> answered = new ArrayList<>();
    ObjectNode line = out.sample("server");
    for (String path : asked) {
      String body = get(path);
      if (body != null && read(path, body, line)) {
        answered.add(path);
      }
    }
    if (answering == null && (!answered.isEmpty() || ++discoveryPolls >= DISCOVERY_POLLS)) {
      answering = List.copyOf(answered);
    }
    if (answered.isEmpty()) {
      return;
    }
    try {
      out.write(line);
      samples++;
    } catch (IOException e) {
      poller.shutdown();
    }
  }

  private String get(String path) {
    try {
      LlmClient.GetResponse r = client.get(URI.create(baseUrl.uri() + path), apiKey, CONNECT_TIMEOUT, ANSWER_TIMEOUT)
          .get(ANSWER_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
      return r.status() == 200 ? r.body() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null; // the server is busy or gone: a missing sample, not an error of the run
    }
  }

  /**
   * Reads one endpoint's answer into the sample.
   *
   * @return whether the answer was what that endpoint gives
   */
  static boolean read(String path, String body, ObjectNode line) {
    try {
      switch (path) {
        case "/metrics" -> {
          Map<String, Double> m = PrometheusText.parse(body);
          if (!m.containsKey("llamacpp:requests_processing")) {
            return false;
          }
          put(line, "requestsProcessing", m.get("llamacpp:requests_processing"));
          put(line, "requestsDeferred", m.get("llamacpp:requests_deferred"));
          Double ratio = m.get("llamacpp:kv_cache_usage_ratio");
          put(line, "kvCacheUsePercent", ratio == null ? null : ratio * 100);
          put(line, "kvCacheTokens", m.get("llamacpp:kv_cache_tokens"));
          put(line, "promptTokensTotal", m.get("llamacpp:prompt_tokens_total"));
          put(line, "tokensPredictedTotal", m.get("llamacpp:tokens_predicted_total"));
          return true;
        }
        case "/slots" -> {
          JsonNode slots = JSON.readTree(body);
          if (!slots.isArray()) {
            return false;
          }
          int busy = 0;
          for (JsonNode slot : slots) {
            // is_processing since 2024; older builds: state 1 = processing
            if (slot.path("is_processing").asBoolean(slot.path("state").asInt(0) != 0)) {
              busy++;
            }
          }
          line.put("slots", slots.size());
          line.put("busySlots", busy);
          return true;
        }
        case "/api/ps" -> {
          JsonNode models = JSON.readTree(body).path("models");
          if (!models.isArray()) {
            return false;
          }
          double vram = 0;
          double size = 0;
          ObjectNode byModel = JSON.createObjectNode();
          for (JsonNode m : models) {
            vram += m.path("size_vram").asDouble(0);
            size += m.path("size").asDouble(0);
            byModel.put(m.path("name").asText(m.path("model").asText("?")),
                ResourceLog.round1(m.path("size_vram").asDouble(0) / MIB));
          }
          line.set("vramMbByModel", byModel);
          line.put("loadedModels", models.size());
          line.put("vramMb", ResourceLog.round1(vram / MIB));
          line.put("modelMb", ResourceLog.round1(size / MIB));
          return true;
        }
        case "/api/v1/models" -> {
          JsonNode root = JSON.readTree(body);
          JsonNode models = root.has("models") ? root.path("models") : root.path("data");
          if (!models.isArray()) {
            return false;
          }
          int instances = 0;
          for (JsonNode m : models) {
            instances += m.path("loaded_instances").size();
          }
          line.put("loadedInstances", instances);
          return true;
        }
        default -> {
          return false;
        }
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static void put(ObjectNode line, String name, Double value) {
    if (value != null && Double.isFinite(value)) {
      line.put(name, Math.round(value * 1000) / 1000.0);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(ANSWER_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
