package io.llmgatling.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code llm.compare=NAME,NAME,...} (SPEC "Additions → Targets compared in one command"): one workload per
 * name, the same in everything but the target. Each NAME is a target kind or a label; its own keys
 * {@code llm.target.NAME} (kind, default NAME), {@code llm.baseUrl.NAME}, {@code llm.model.NAME},
 * {@code llm.api.NAME} and {@code llm.monitor.pid.NAME} replace the run-wide ones. {@code llm.model} and
 * {@code llm.api}, when given, apply to every name without its own; {@code llm.target}, {@code llm.baseUrl} and
 * {@code llm.monitor.pid} name one server, so they are refused beside {@code llm.compare}.
 */
public final class CompareTargets {

  /** One compared target: its name (the folder {@code results/<run>/NAME/}) and its workload. */
  public record Named(String name, WorkloadConfig workload) {
  }

  private static final List<ConfigKey<?>> PER_NAME = List.of(Keys.COMPARE_TARGET, Keys.COMPARE_BASE_URL,
      Keys.COMPARE_MODEL, Keys.COMPARE_API, Keys.COMPARE_MONITOR_PID);

  private CompareTargets() {
  }

  /** Whether {@code key} is one of the per-name keys ({@code llm.target.NAME}, ...). */
  static boolean isPerNameKey(String key) {
    return PER_NAME.stream().anyMatch(k -> key.startsWith(k.prefix()) && key.length() > k.prefix().length());
  }

  /**
   * The names of {@code llm.compare}, or an empty list when the run has one target.
   *
   * @param properties the run's properties (the workload file is read too)
   * @param userFiles  where the workload file is
   * @return the names, in order
   */
  public static List<String> names(Map<String, String> properties, Path userFiles) {
    String text = WorkloadConfig.mergedKeys(properties, userFiles).get(Keys.COMPARE.name());
    return text == null ? List.of() : Keys.COMPARE.parse(text);
  }

  /**
   * One workload per name of {@code llm.compare}.
   *
   * @throws ConfigException with one line naming the key
   */
  public static List<Named> load(Map<String, String> properties, Path userFiles) {
    return load(properties, userFiles, Map.of());
  }

  /**
   * One workload per name of {@code llm.compare}, with the simulation's fallbacks (keys applied when nothing sets
   * them: the main job's warm-up) for each.
   *
   * @throws ConfigException with one line naming the key
   */
  public static List<Named> load(Map<String, String> properties, Path userFiles, Map<String, String> fallbacks) {
    Map<String, String> merged = WorkloadConfig.mergedKeys(properties, userFiles);
    List<String> names = Keys.COMPARE.parse(merged.get(Keys.COMPARE.name()));
    if (names.size() < 2) {
      throw ConfigException.forKey(Keys.COMPARE.name(), "'" + merged.get(Keys.COMPARE.name())
          + "' names one target; compare needs two or more (e.g. ollama,lmstudio)");
    }
    for (ConfigKey<?> single : List.of(Keys.TARGET, Keys.BASE_URL, Keys.MONITOR_PID)) {
      if (merged.containsKey(single.name())) {
        throw ConfigException.forKey(single.name(), "not used with " + Keys.COMPARE + ": set "
            + single.prefix() + "NAME per compared target (" + single.name() + ".<name>)");
      }
    }
    for (String key : merged.keySet()) {
      if (isPerNameKey(key)) {
        String name = key.substring(key.lastIndexOf('.') + 1);
        if (!names.contains(name) && PER_NAME.stream().anyMatch(k -> key.equals(k.prefix() + name))) {
          throw ConfigException.forKey(key, "'" + name + "' is not among " + Keys.COMPARE + "=" + String.join(",", names));
        }
      }
    }
    List<Named> targets = new ArrayList<>();
    for (String name : names) {
      Map<String, String> one = new LinkedHashMap<>();
      merged.forEach((key, value) -> {
        if (!isPerNameKey(key) && !key.equals(Keys.COMPARE.name())) {
          one.put(key, value);
        }
      });
      String kind = merged.get(Keys.COMPARE_TARGET.prefix() + name);
      if (kind == null) {
        if (Target.find(name).isEmpty()) {
          throw ConfigException.forKey(Keys.COMPARE_TARGET.prefix() + name, "not set, and '" + name
              + "' is not a target kind (" + Target.ids() + "): say which kind it is");
        }
        kind = name;
      }
      one.put(Keys.TARGET.name(), kind);
      copy(merged, one, Keys.COMPARE_BASE_URL.prefix() + name, Keys.BASE_URL.name());
      copy(merged, one, Keys.COMPARE_MODEL.prefix() + name, Keys.MODEL.name());
      copy(merged, one, Keys.COMPARE_API.prefix() + name, Keys.API.name());
      copy(merged, one, Keys.COMPARE_MONITOR_PID.prefix() + name, Keys.MONITOR_PID.name());
      try {
        targets.add(new Named(name, WorkloadConfig.load(one, userFiles, fallbacks)));
      } catch (ConfigException e) {
        throw new ConfigException(Keys.COMPARE + " " + name + ": " + e.getMessage());
      }
    }
    return targets;
  }

  private static void copy(Map<String, String> from, Map<String, String> to, String perName, String single) {
    String value = from.get(perName);
    if (value != null) {
      to.put(single, value);
    }
  }
}
