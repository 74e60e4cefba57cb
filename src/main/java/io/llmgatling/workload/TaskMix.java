package io.llmgatling.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which tasks run and in what proportion, e.g. {@code chat:60,completion:10,long-context:15,embeddings:15}.
 * Tasks with weight 0 are left out.
 *
 * @param weights task name to positive weight, in the order the user gave them
 */
public record TaskMix(Map<String, Integer> weights) {

  /** The default mix's text, as documented. */
  public static final String DEFAULT_TEXT = "chat:60,completion:10,long-context:15,embeddings:15";

  public TaskMix {
    Map<String, Integer> copy = new LinkedHashMap<>();
    weights.forEach((task, weight) -> {
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight for " + task);
      }
      if (weight > 0) {
        copy.put(task, weight);
      }
    });
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a mix needs at least one task with a weight above 0");
    }
    weights = java.util.Collections.unmodifiableMap(copy);
  }

  /** The default mix: every built-in task with its default weight. */
  public static TaskMix defaults() {
    return parse(DEFAULT_TEXT);
  }

  /**
   * Parses {@code name:weight,...}; a name without a weight gets weight 1, so one name alone runs only
   * that task.
   *
   * @throws ConfigException (key {@code llm.mix}) for an unknown task, a bad weight or an empty mix
   */
  public static TaskMix parse(String text) {
    if (text == null || text.isBlank()) {
      throw ConfigException.forKey(Keys.MIX.name(), "empty, expected name:weight,... with tasks "
          + Tasks.names());
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] nameAndWeight = part.split(":", -1);
      String name = nameAndWeight[0].trim();
      if (Tasks.find(name).isEmpty()) {
        throw ConfigException.forKey(Keys.MIX.name(), "unknown task '" + name + "', expected one of: "
            + Tasks.names());
      }
      int weight = 1;
      if (nameAndWeight.length > 2 || (nameAndWeight.length == 2 && !nameAndWeight[1].trim().matches("\\d{1,6}"))) {
        throw ConfigException.forKey(Keys.MIX.name(), "'" + part.trim()
            + "' is not name:weight with a whole weight >= 0 (e.g. chat:60)");
      }
      if (nameAndWeight.length == 2) {
        weight = Integer.parseInt(nameAndWeight[1].trim());
      }
      if (weights.containsKey(name)) {
        throw ConfigException.forKey(Keys.MIX.name(), "task '" + name + "' is listed twice");
      }
      weights.put(name, weight);
    }
    if (weights.values().stream().noneMatch(w -> w > 0)) {
      throw ConfigException.forKey(Keys.MIX.name(), "'" + text + "' has no task with a weight above 0");
    }
    return new TaskMix(weights);
  }

  /** The tasks that run, in the mix's order. */
  public List<TaskSpec> tasks() {
    return weights.keySet().stream().map(Tasks::byName).toList();
  }

  /** Sum of all weights. */
  public int totalWeight() {
    return weights.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The task's share of the arrivals, 0 when it is not in the mix. */
  public double fraction(String task) {
    return weights.getOrDefault(task, 0) / (double) totalWeight();
  }

  /** Whether the task runs. */
  public boolean contains(String task) {
    return weights.containsKey(task);
  }

  /** Each task's percentage of the arrivals (together 100), the shape Gatling's {@code randomSwitch} takes. */
  public List<Map.Entry<TaskSpec, Double>> percentages() {
    List<Map.Entry<TaskSpec, Double>> shares = new ArrayList<>();
    weights.forEach((task, weight) -> shares.add(Map.entry(Tasks.byName(task), 100.0 * weight / totalWeight())));
    return shares;
  }

  @Override
  public String toString() {
    return weights.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
  }
}
