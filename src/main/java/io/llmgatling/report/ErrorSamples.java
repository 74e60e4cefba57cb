package io.llmgatling.report;

import io.llmgatling.engine.record.RequestRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why errors happened (SPEC "Additions → Why errors happened"): per error cause, the most frequent distinct
 * server messages, each with the task and model it came from, how often and when first and last seen.
 * Memory is bounded: at most {@link #MAX_DISTINCT} distinct (message, task, model) keys are tracked per cause;
 * later new keys only add to the cause's count of {@code otherMessages}, so a run whose errors each carry a
 * unique id cannot grow without limit.
 */
final class ErrorSamples {
  /** Messages kept per cause in the summary: "a handful". */
  static final int PER_CAUSE = 5;
  /** Distinct (message, task, model) keys tracked per cause. */
  static final int MAX_DISTINCT = 500;
  /** Messages longer than this are cut (a server may answer an HTML page). */
  static final int MAX_MESSAGE = 300;

  private record Key(String message, String task, String model) {
  }

  private static final class Tally {
    long count;
    long firstMs = Long.MAX_VALUE;
    long lastMs = Long.MIN_VALUE;
  }

  private final Map<String, Map<Key, Tally>> byCause = new TreeMap<>();

  void add(RequestRecord r) {
    if (r.ok() || r.cause() == null) {
      return;
    }
    Map<Key, Tally> tallies = byCause.computeIfAbsent(r.cause(), c -> new HashMap<>());
    Key key = new Key(message(r.message()), r.task(), r.model());
    Tally tally = tallies.get(key);
    if (tally == null) {
      if (tallies.size() >= MAX_DISTINCT) {
        key = new Key("(other messages)", null, null);
        tally = tallies.get(key);
      }
      if (tally == null) {
        tally = new Tally();
        tallies.put(key, tally);
      }
    }
    tally.count++;
    tally.firstMs = Math.min(tally.firstMs, r.intendedAtMs());
    tally.lastMs = Math.max(tally.lastMs, r.intendedAtMs());
  }

  /** Per cause (sorted), its most frequent messages, most frequent first; ties by first seen. Empty map: no error. */
  Map<String, List<Summary.ErrorSample>> toSamples() {
    Map<String, List<Summary.ErrorSample>> result = new LinkedHashMap<>();
    byCause.forEach((cause, tallies) -> {
      List<Map.Entry<Key, Tally>> entries = new ArrayList<>(tallies.entrySet());
      entries.sort(Comparator.<Map.Entry<Key, Tally>>comparingLong(e -> -e.getValue().count)
          .thenComparingLong(e -> e.getValue().firstMs));
      List<Summary.ErrorSample> samples = new ArrayList<>();
      for (Map.Entry<Key, Tally> e : entries.subList(0, Math.min(PER_CAUSE, entries.size()))) {
        Tally t = e.getValue();
        samples.add(new Summary.ErrorSample(e.getKey().message(), t.count, e.getKey().task(), e.getKey().model(),
            Instant.ofEpochMilli(t.firstMs).toString(), Instant.ofEpochMilli(t.lastMs).toString()));
      }
      result.put(cause, List.copyOf(samples));
    });
    return result;
  }

  private static String message(String message) {
    if (message == null || message.isBlank()) {
      return "(no message)";
    }
    String oneLine = message.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
