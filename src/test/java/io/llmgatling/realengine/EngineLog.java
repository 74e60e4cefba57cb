package io.llmgatling.realengine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's own account of its slots and tasks, read from llama.cpp's log as it is written. java-llama.cpp
 * hands a caller only the text of each token; llama.cpp's server code logs, per task, which slot took it, the
 * prompt size, when the slot was released, and its timings ({@code print_timing}: prompt eval ms / tokens, eval
 * ms / tokens, the same figures llama-server puts in {@code timings} and sums into {@code /metrics}). So the
 * front reports what the engine itself counted and measured, not a count of its own.
 *
 * <p>Measured here (tiny model, 2 slots): the timing lines reach the file 0.1-2 ms after the task's last token.
 */
final class EngineLog implements AutoCloseable {

  /** What llama.cpp logged about one finished task. */
  record Timings(int slot, int promptTokens, int promptN, double promptMs, int predictedN, double predictedMs) {
    int cacheN() {
      return Math.max(0, promptTokens - promptN);
    }
  }

  private static final Pattern LAUNCH = Pattern.compile("^slot launch_slot_: id +(\\d+) \\| task (\\d+) \\|");
  /** "new prompt, ... n_prompt_tokens = N", then "input truncated, ... n_prompt_tokens = M" when it is cut. */
  private static final Pattern NEW_PROMPT = Pattern.compile(
      "^slot update_slots: id +(\\d+) \\| task (\\d+) \\| .*n_prompt_tokens = (\\d+)");
  private static final Pattern RELEASE = Pattern.compile(
      "^slot +release: id +(\\d+) \\| task (\\d+) \\| stop processing: n_past = (\\d+)");
  private static final Pattern PRINT_TIMING = Pattern.compile("^slot print_timing: id +(\\d+) \\| task (\\d+) \\|");
  private static final Pattern PROMPT_EVAL = Pattern.compile(
      "^prompt eval time = +([\\d.]+) ms / +(\\d+) tokens");
  private static final Pattern EVAL = Pattern.compile("^ +eval time = +([\\d.]+) ms / +(\\d+) tokens");

  private final Path file;
  private final Thread reader;
  private volatile boolean closed;

  /** Task id of each slot, -1 when idle. */
  private final long[] slotTask;
  private final Map<Integer, Integer> promptTokens = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<Timings>> timings = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> launched = new ConcurrentHashMap<>();

  final AtomicLong promptTokensTotal = new AtomicLong();
  final AtomicLong usagePromptTokensTotal = new AtomicLong();
  final AtomicLong promptMicrosTotal = new AtomicLong();
  final AtomicLong tokensPredictedTotal = new AtomicLong();
  final AtomicLong predictedMicrosTotal = new AtomicLong();
  final AtomicLong tasksFinished = new AtomicLong();
  final AtomicLong tasksReleased = new AtomicLong();

  // the multi-line print_timing entry being read
  private int timingTask = -1;
  private int timingSlot = -1;
  private double pendingPromptMs;
  private int pendingPromptN = -1;

  EngineLog(Path file, int slots) {
    this.file = file;
    this.slotTask = new long[slots];
    java.util.Arrays.fill(slotTask, -1);
    this.reader = new Thread(this::tail, "engine-log");
    reader.setDaemon(true);
  }

  void start() {
    reader.start();
  }

  /** The timings of a task, completed when llama.cpp logs them. */
  CompletableFuture<Timings> timings(int task) {
    return timings.computeIfAbsent(task, t -> new CompletableFuture<>());
  }

  /** Forgets a task the front gave up on (cancelled: llama.cpp logs no timings for it). */
  void forget(int task) {
    timings.remove(task);
    promptTokens.remove(task);
    launched.remove(task);
  }

  boolean launched(int task) {
    return launched.containsKey(task);
  }

  /** Task of each slot, -1 when idle. */
  synchronized long[] slots() {
    return slotTask.clone();
  }

  synchronized int busySlots() {
    int n = 0;
    for (long t : slotTask) {
      if (t >= 0) {
        n++;
      }
    }
    return n;
  }

  private void tail() {
    try {
      while (!closed && !Files.exists(file)) {
        Thread.sleep(5);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[8192];
        StringBuilder line = new StringBuilder();
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        while (!closed) {
          int n = in.read(buf);
          if (n <= 0) {
            Thread.sleep(1);
            continue;
          }
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              line.setLength(0);
              line.append(pending.toString(StandardCharsets.UTF_8));
              pending.reset();
              onLine(line.toString());
            } else {
              pending.write(buf[i]);
            }
          }
        }
      }
    } catch (IOException e) {
      System.err.println("engine log reader stopped: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void onLine(String line) {
    Matcher m;
    if ((m = LAUNCH.matcher(line)).find()) {
      int slot = Integer.parseInt(m.group(1));
      int task = Integer.parseInt(m.group(2));
      synchronized (this) {
        if (slot < slotTask.length) {
          slotTask[slot] = task;
        }
      }
      launched.put(task, true);
    } else if ((m = NEW_PROMPT.matcher(line)).find()) {
      promptTokens.put(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } else if ((m = RELEASE.matcher(line)).find()) {
      int slot = Integer.parseInt(m.group(1));
      int task = Integer.parseInt(m.group(2));
      synchronized (this) {
        if (slot < slotTask.length && slotTask[slot] == task) {
          slotTask[slot] = -1;
        }
      }
      tasksReleased.incrementAndGet();
    } else if ((m = PRINT_TIMING.matcher(line)).find()) {
      timingSlot = Integer.parseInt(m.group(1));
      timingTask = Integer.parseInt(m.group(2));
      pendingPromptN = -1;
    } else if (timingTask >= 0 && (m = PROMPT_EVAL.matcher(line)).find()) {
      pendingPromptMs = Double.parseDouble(m.group(1));
      pendingPromptN = Integer.parseInt(m.group(2));
    } else if (timingTask >= 0 && pendingPromptN >= 0 && (m = EVAL.matcher(line)).find()) {
      double evalMs = Double.parseDouble(m.group(1));
      int evalN = Integer.parseInt(m.group(2));
      int task = timingTask;
      Integer prompt = promptTokens.remove(task);
      Timings t = new Timings(timingSlot, prompt == null ? pendingPromptN : prompt, pendingPromptN, pendingPromptMs,
          evalN, evalMs);
      promptTokensTotal.addAndGet(t.promptN());
      usagePromptTokensTotal.addAndGet(t.promptTokens());
      promptMicrosTotal.addAndGet(Math.round(t.promptMs() * 1000));
      tokensPredictedTotal.addAndGet(t.predictedN());
      predictedMicrosTotal.addAndGet(Math.round(t.predictedMs() * 1000));
      tasksFinished.incrementAndGet();
      timingTask = -1;
      launched.remove(task);
      timings(task).complete(t);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
