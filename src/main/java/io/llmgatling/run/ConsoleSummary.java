package io.llmgatling.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/** The short LLM summary printed at the end of a run, read from summary.json so it shows what was written. */
final class ConsoleSummary {
  private static final String RULE = "=".repeat(96);

  private ConsoleSummary() {
  }

  /**
   * Above this share of prompt tokens served from the server's cache, TTFT mostly measures the cache: the console
   * and the report warn (a cached prefix skips prefill, so a warm target beats a cold one at equal speed).
   */
  static final double FLATTERING_CACHE_HIT_RATE = 0.5;

  /** The prompt cache's share, with a warning when it flatters TTFT; null when the server never said. */
  static String cacheLine(JsonNode all) {
    JsonNode rate = all.path("cacheHitRate");
    if (!rate.isNumber()) {
      return null;
    }
    String line = String.format("prompt cache: %.0f %% of %d prompt tokens served from the server's cache",
        rate.asDouble() * 100, all.path("promptTokens").asLong());
    return rate.asDouble() > FLATTERING_CACHE_HIT_RATE
        ? line + " (WARNING: TTFT is flattered by the cache; -Dllm.nonce=true measures cold prompts)" : line;
  }

  static void print(PrintStream out, JsonNode summary, Path dir) {
    JsonNode all = summary.path("all");
    out.println(RULE);
    out.println("LLM summary" + (summary.path("partial").asBoolean(false) ? " (PARTIAL: run interrupted)" : ""));
    out.println(RULE);
    out.printf("%-14s %8s %6s %6s %8s %10s %12s %12s %12s%n", "scope", "requests", "KO", "req/s", "out tok/s",
        "goodput/s", "TTFT p50/p95", "ITL p50/p95", "E2E p50/p95");
    line(out, "all", all);
    Iterator<Map.Entry<String, JsonNode>> tasks = summary.path("tasks").fields();
    while (tasks.hasNext()) {
      Map.Entry<String, JsonNode> e = tasks.next();
      line(out, "task " + e.getKey(), e.getValue());
    }
    Iterator<Map.Entry<String, JsonNode>> models = summary.path("models").fields();
    while (models.hasNext()) {
      Map.Entry<String, JsonNode> e = models.next();
      line(out, "model " + e.getKey(), e.getValue());
    }
    JsonNode errors = all.path("errors");
    if (errors.size() > 0) {
      StringBuilder sb = new StringBuilder("errors by cause:");
      errors.fields().forEachRemaining(e -> sb.append(' ').append(e.getKey()).append('=').append(e.getValue()));
      out.println(sb);
      // why: the server's own words, most frequent first (a cause count alone, "http_400 18", says nothing)
      summary.path("errorSamples").fields().forEachRemaining(cause -> {
        for (JsonNode sample : cause.getValue()) {
          out.printf("  %-15s %6d x %s%s%n", cause.getKey(), sample.path("count").asLong(),
              abbreviate(sample.path("message").asText(), 120), where(sample));
        }
      });
    }
    long resent = all.path("staleRetries").asLong(0);
    if (resent > 0) {
      out.println("resent on a new connection (a reused keep-alive connection closed before answering; not errors): "
          + resent);
    }
    JsonNode warmup = summary.path("warmup");
    if (warmup.isObject()) {
      out.printf("warm-up (in no figure above): %d requests, %d KO, cold load %s%n", warmup.path("requests").asLong(),
          warmup.path("ko").asLong(), warmup.path("coldLoadMs").isNumber()
              ? fmt(warmup.path("coldLoadMs").asDouble()) + " ms" : "not seen");
    }
    String cache = cacheLine(all);
    if (cache != null) {
      out.println(cache);
    }
    String resources = resourcesLine(summary.path("resources"));
    if (resources != null) {
      out.println(resources);
    }
    JsonNode capacity = summary.path("capacity");
    if (capacity.isObject() && capacity.has("verdict")) {
      // a capacity search pushes past the limits on purpose: its verdict replaces the run-wide SLO verdicts
      JsonNode bracket = capacity.path("bracket");
      boolean closed = capacity.has("maxUsers");
      out.printf("capacity: max %s%s, bracket [%s, %s] %s, limited by %s%n",
          closed ? number(capacity.path("maxUsers")) + " concurrent users" : number(capacity.path("maxRatePerSec")) + " req/s",
          closed ? " (" + number(capacity.path("maxRatePerSec")) + " req/s)"
              : capacity.path("maxUsersPerSec").isNumber() ? " (" + number(capacity.path("maxUsersPerSec")) + " users/s)" : "",
          number(bracket.path(0)), number(bracket.path(1)), closed ? "users" : "req/s",
          capacity.path("limitedBy").isTextual() ? capacity.path("limitedBy").asText() : "nothing");
      out.println("capacity: " + capacity.path("verdict").asText());
      out.println(summary.path("passed").asBoolean(false) ? "Capacity found." : "NO CAPACITY FOUND: the run fails.");
    } else {
      JsonNode slo = summary.path("slo");
      for (JsonNode s : slo) {
        boolean ok = s.path("passed").asBoolean(false);
        boolean noData = s.path("actual").isNull() || s.path("actual").isMissingNode();
        out.printf("SLO %-4s %-32s actual %s%n", ok ? "OK" : "FAIL", s.path("expr").asText(),
            noData ? (ok ? "n/a (no request sent)" : "no data") : fmt(s.path("actual").asDouble()));
      }
      out.println(summary.path("passed").asBoolean(false) ? "All SLOs met." : "SLO BREACHED: the run fails.");
    }
    out.println("LLM report: " + dir.resolve("index.html").toAbsolutePath());
    out.println(RULE);
  }

  private static String where(JsonNode sample) {
    String task = sample.path("task").isTextual() ? sample.path("task").asText() : null;
    String model = sample.path("model").isTextual() ? sample.path("model").asText() : null;
    if (task == null && model == null) {
      return "";
    }
    return " (" + (task == null ? "" : "task " + task) + (task != null && model != null ? ", " : "")
        + (model == null ? "" : "model " + model) + ")";
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** One line of {@code summary.json → resources}: process, GPU, server gauges; null when nothing was sampled. */
  static String resourcesLine(JsonNode resources) {
    if (!resources.isObject()) {
      return null;
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (resources.path("cpuPercent").isObject()) {
      parts.add("server CPU p50/max " + stat(resources, "cpuPercent", "p50") + "/" + stat(resources, "cpuPercent", "max")
          + " %, RSS max " + stat(resources, "rssMb", "max") + " MiB");
    }
    JsonNode gpu = resources.path("gpu");
    if (gpu.isObject()) {
      parts.add("GPU util p50 " + stat(gpu, "utilPercent", "p50") + " %, memory max " + stat(gpu, "memoryMb", "max")
          + " MiB, power p50 " + stat(gpu, "powerW", "p50") + " W"
          + (gpu.path("energyWhPer1kOutputTokens").isNumber()
              ? ", " + fmt(gpu.path("energyWhPer1kOutputTokens").asDouble()) + " Wh per 1k output tokens" : ""));
    }
    JsonNode server = resources.path("server");
    if (server.isObject()) {
      java.util.List<String> gauges = new java.util.ArrayList<>();
      for (String[] g : new String[][] {{"busySlots", "busy slots"}, {"requestsProcessing", "processing"},
          {"requestsDeferred", "deferred"}, {"kvCacheUsePercent", "KV cache %"}, {"vramMb", "VRAM MiB"},
          {"loadedInstances", "loaded instances"}}) {
        if (server.path(g[0]).isObject()) {
          gauges.add(g[1] + " p95 " + stat(server, g[0], "p95"));
        }
      }
      if (!gauges.isEmpty()) {
        parts.add(String.join(", ", gauges));
      }
    }
    return parts.isEmpty() ? null : "resources: " + String.join("; ", parts);
  }

  private static String stat(JsonNode parent, String name, String stat) {
    return number(parent.path(name).path(stat));
  }

  private static String number(JsonNode value) {
    return value.isNumber() ? fmt(value.asDouble()) : "-";
  }

  private static void line(PrintStream out, String scope, JsonNode s) {
    out.printf("%-14s %8d %6d %6s %8s %10s %12s %12s %12s%n", abbreviate(scope), s.path("requests").asLong(),
        s.path("ko").asLong(), fmt(s.path("requestsPerSec").asDouble()), fmt(s.path("outputTokensPerSec").asDouble()),
        fmt(s.path("goodputPerSec").asDouble()), pair(s.path("ttftMs")), pair(s.path("itlMs")), pair(s.path("e2eMs")));
  }

  private static String pair(JsonNode pct) {
    if (pct.path("p50").isNull() || pct.path("p50").isMissingNode()) {
      return "-";
    }
    return fmt(pct.path("p50").asDouble()) + "/" + fmt(pct.path("p95").asDouble());
  }

  private static String fmt(double v) {
    if (v >= 100) {
      return String.format("%.0f", v);
    }
    return v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
  }

  private static String abbreviate(String s) {
    return s.length() <= 14 ? s : s.substring(0, 13) + "…";
  }
}
