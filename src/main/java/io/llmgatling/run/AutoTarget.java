package io.llmgatling.run;

import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.Keys;
import io.llmgatling.workload.Target;
import io.llmgatling.workload.TaskMix;
import io.llmgatling.workload.WorkloadConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Quick mode ({@code -Dllm.target=auto}): finds a server on the usual local ports through each kind's
 * pre-flight (Ollama 11434, LM Studio 1234, llama-server 8080, vLLM / SGLang 8000 and 30000, in that order;
 * {@code llm.auto.ports} replaces the list), picks its models (a chat model, and an embedding model when it lists
 * one) and turns the run into a short capacity search. Whatever the user set explicitly stays.
 */
public final class AutoTarget {

  /** Quick mode's capacity search: short windows, a 3-minute budget (the search usually ends well before). */
  static final Map<String, String> QUICK = Map.of(
      Keys.PROFILE.name(), "capacity",
      Keys.DURATION.name(), "3m",
      Keys.CAPACITY_WINDOW.name(), "5s",
      Keys.CAPACITY_MAX_WINDOW.name(), "20s",
      Keys.CAPACITY_MIN_REQUESTS.name(), "10");

  /** A server that answered its kind's pre-flight. */
  record Found(Target kind, BaseUrl baseUrl, ServerPreflight.Result said) {
  }

  private AutoTarget() {
  }

  /**
   * The keys that make the run target the first server found.
   *
   * @param properties the run's {@code llm.*} properties ({@code llm.target=auto})
   * @param out        where to say what was found
   * @return keys to put over the properties ({@code llm.target}, {@code llm.baseUrl}, {@code llm.model}, the
   *     quick capacity search's keys the user did not set)
   * @throws ConfigException when no server answered
   */
  public static Map<String, String> resolve(Map<String, String> properties, PrintStream out) {
    String ports = properties.get(Keys.AUTO_PORTS.name());
    String list;
    try {
      list = ports == null || ports.isBlank() ? Keys.AUTO_PORTS.defaultValue() : Keys.AUTO_PORTS.parse(ports.trim());
    } catch (IllegalArgumentException e) {
      throw ConfigException.forKey(Keys.AUTO_PORTS.name(), e.getMessage());
    }
    String apiKey = properties.get(Keys.API_KEY.name());
    List<Found> found = new ArrayList<>();
    for (String entry : list.split(",")) {
      String[] kindPort = entry.trim().split(":");
      Target kind = Target.find(kindPort[0]).orElseThrow();
      BaseUrl baseUrl = BaseUrl.parse("http://127.0.0.1:" + kindPort[1].trim());
      Dialect api = kind.defaultApi();
      try {
        found.add(new Found(kind, baseUrl, ServerPreflight.check(api, baseUrl, apiKey, List.of(), false)));
      } catch (ServerPreflight.PreflightException | IllegalArgumentException nothingThere) {
        // nothing of that kind on that port: try the next
      }
    }
    if (found.isEmpty()) {
      throw ConfigException.forKey(Keys.TARGET.name(), "auto: no server answered on 127.0.0.1 (" + list + "). Start"
          + " one (ollama serve, LM Studio's server, llama-server, vLLM) or name it: -Dllm.target=ollama|lmstudio|"
          + "llamacpp|openai -Dllm.baseUrl=...");
    }
    Found chosen = found.get(0);
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(Keys.TARGET.name(), chosen.kind().id());
    keys.put(Keys.BASE_URL.name(), chosen.baseUrl().toString());
    List<String> models = chosen.said().models();
    if (isBlank(properties.get(Keys.MODEL.name()))) {
      String chat = models.stream().filter(m -> !WorkloadConfig.looksLikeEmbeddingModel(m)).findFirst()
          .orElseThrow(() -> ConfigException.forKey(Keys.TARGET.name(), "auto: " + chosen.kind().id() + " at "
              + chosen.baseUrl() + " lists no chat model (it serves: " + (models.isEmpty() ? "nothing"
              : String.join(", ", models)) + "); load one, or set -Dllm.model=..."));
      String embed = models.stream().filter(WorkloadConfig::looksLikeEmbeddingModel).findFirst().orElse(null);
      keys.put(Keys.MODEL.name(), embed == null ? chat : chat + "," + embed);
      if (embed == null && isBlank(properties.get(Keys.MIX.name()))) {
        // no embedding model listed: the default mix without its embeddings
        keys.put(Keys.MIX.name(), TaskMix.defaults().weights().entrySet().stream()
            .filter(e -> !e.getKey().equals("embeddings")).map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(",")));
      }
    }
    QUICK.forEach((key, value) -> {
      if (isBlank(properties.get(key))) {
        keys.put(key, value);
      }
    });
    out.println("llm-gatling: auto: found " + chosen.kind().id() + " at " + chosen.baseUrl()
        + (chosen.said().version() == null ? "" : " (version " + chosen.said().version() + ")") + ", serving "
        + (models.isEmpty() ? "no models" : String.join(", ", models)) + "; using " + keys.get(Keys.MODEL.name()));
    if (found.size() > 1) {
      out.println("llm-gatling: auto: also found " + found.subList(1, found.size()).stream()
          .map(f -> f.kind().id() + " at " + f.baseUrl()).collect(Collectors.joining(", "))
          + " (name one with -Dllm.target and -Dllm.baseUrl, or compare them with -Dllm.compare)");
    }
    out.println("llm-gatling: auto: a short capacity search (" + keys.entrySet().stream()
        .filter(e -> QUICK.containsKey(e.getKey())).map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" ")) + ")");
    return keys;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
