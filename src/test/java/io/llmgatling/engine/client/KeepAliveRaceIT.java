package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests arriving right around a server's keep-alive idle limit (open model: sent at their intended times,
 * whatever the previous answers did): no KO, every request served exactly once, and the client's token counts,
 * inter-token gaps and ITL still those of the simulator's truth (as in {@link LlmClientTimingIT}).
 *
 * <p>TTFT is checked from below only (never shorter than the simulator's first token after its arrival): here
 * many requests go out on a new connection, and the simulator's truth starts when it has read the request,
 * after accepting the connection and handing it to a worker loop; the client rightly counts that hand-off as
 * server time (measured at 3-5 ms, once 200 ms, with three other builds sharing the 2 cores).
 * {@link LlmClientTimingIT} checks TTFT both ways on warm connections.
 */
class KeepAliveRaceIT {
  private static final double TOLERANCE_MS = 2.0;
  /**
   * A shared 2-core machine may deschedule either side for a few ms at any moment: that spoils a request or
   * two, a systematic error all of them; and a whole run may land in a busy spell, so the timing check passes
   * when one of {@value #ATTEMPTS} runs matches (no KO, each request served once: in every run).
   */
  private static final int MAX_REQUESTS_WITH_TIMING_MISSES = 2;
  private static final int ATTEMPTS = 3;
  private static final String MODEL = "qwen2.5-7b-instruct-q4_k_m.gguf";

  private static LlmClient client;
  private static ScheduledExecutorService scheduler;

  @BeforeAll
  static void start() {
    client = new LlmClient(ClientOptions.defaults());
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    client.close();
    scheduler.shutdownNow();
  }

  /**
   * The server closes idle connections after 300 ms without saying so (no Keep-Alive header, like nginx or a
   * Go server with an IdleTimeout): the client cannot retire them in time, and requests arriving at the very
   * moment of the close must be resent, not reported.
   */
  @Test
  void should_lose_no_request_when_a_silent_server_closes_idle_connections_as_requests_arrive() throws Exception {
    List<Long> intervals = new ArrayList<>();
    for (long ms = 290; ms <= 330; ms += 2) {
      intervals.add(ms);
    }
    List<RequestRecord> records = run(SimulatorConfig.forProfile("llamacpp").toBuilder()
        .keepAliveTimeoutMs(300).keepAliveMax(0).keepAliveHeader(false), intervals);
    System.err.println("silent 300 ms idle close: " + records.size() + " requests, "
        + records.stream().filter(RequestRecord::retried).count() + " resent on a new connection");
  }

  /**
   * The server announces {@code Keep-Alive: timeout=1} and closes after 1 s idle: the client retires idle
   * connections after 0.5 s, so nothing races the server's close and no request needs a resend.
   */
  @Test
  void should_retire_idle_connections_before_an_announced_limit_so_that_nothing_is_resent() throws Exception {
    List<Long> intervals = new ArrayList<>();
    for (long ms = 480; ms <= 520; ms += 10) {
      intervals.add(ms);
    }
    for (long ms = 990; ms <= 1010; ms += 10) {
      intervals.add(ms);
    }
    List<RequestRecord> records = run(SimulatorConfig.forProfile("llamacpp").toBuilder()
        .keepAliveTimeoutMs(1000).keepAliveMax(0), intervals);
    assertThat(records).noneMatch(RequestRecord::retried);
  }

  private static List<RequestRecord> run(SimulatorConfig.Builder config, List<Long> intervalsMs) throws Exception {
    List<RequestRecord> all = new ArrayList<>();
    List<String> misses = List.of();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      misses = new ArrayList<>();
      all.addAll(runOnce(config, intervalsMs, misses));
      if (misses.size() <= MAX_REQUESTS_WITH_TIMING_MISSES) {
        return all;
      }
      System.err.println("attempt " + attempt + " missed the " + TOLERANCE_MS + " ms tolerance: " + misses);
    }
    assertThat(misses).as("requests off the truth by more than %s ms in %d runs in a row", TOLERANCE_MS, ATTEMPTS)
        .hasSizeLessThanOrEqualTo(MAX_REQUESTS_WITH_TIMING_MISSES);
    return all;
  }

  /** One run: no KO and each request served once asserted; requests off the truth's timing added to misses. */
  private static List<RequestRecord> runOnce(SimulatorConfig.Builder config, List<Long> intervalsMs,
      List<String> misses) throws Exception {
    try (LlmSimulator sim = LlmSimulator.start(config.port(0).slots(4).preloadModels(true).jitter(0)
        .outputTokens(4).rates(20_000, 500, 0).build())) {
      for (int i = 0; i < 5; i++) {
        send(sim, System.nanoTime()).get(10, TimeUnit.SECONDS); // warm-up: class loading and JIT
      }
      sim.clearTruth();
      List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
      long intended = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      for (long interval : intervalsMs) {
        intended += TimeUnit.MILLISECONDS.toNanos(interval);
        long at = intended;
        CompletableFuture<CompletableFuture<LlmResult>> sent = new CompletableFuture<>();
        scheduler.schedule(() -> sent.complete(send(sim, at)), at - System.nanoTime(), TimeUnit.NANOSECONDS);
        futures.add(sent.thenCompose(f -> f));
      }
      List<RequestRecord> records = new ArrayList<>();
      for (CompletableFuture<LlmResult> f : futures) {
        records.add(f.get(30, TimeUnit.SECONDS).record());
      }
      assertThat(records).as("KOs").allSatisfy(r -> assertThat(r.ok()).as(r.message()).isTrue());
      Map<String, List<RequestTruth>> truth = awaitTruth(sim, records);
      for (RequestRecord r : records) {
        List<RequestTruth> served = truth.get(Long.toString(r.id()));
        assertThat(served).as("request %d served exactly once", r.id()).hasSize(1);
        RequestTruth t = served.get(0);
        assertThat(r.outputTokens()).isEqualTo(t.outputTokens());
        assertThat(r.contentChunks()).isEqualTo(t.tokenNanos().length);
        List<String> own = new ArrayList<>();
        double trueTtft = ms(t.firstTokenNanos() - t.arrivalNanos());
        assertThat(r.ttftMs()).as("TTFT of %d against the truth's %.3f ms", r.id(), trueTtft)
            .isGreaterThanOrEqualTo(trueTtft - TOLERANCE_MS);
        long[] tokens = t.tokenNanos();
        for (int i = 1; i < tokens.length; i++) {
          compare(own, "gap " + i + " of " + r.id(), r.chunkGapsMs()[i - 1], ms(tokens[i] - tokens[i - 1]));
        }
        compare(own, "ITL of " + r.id(), r.itlMs(), ms(tokens[tokens.length - 1] - tokens[0]) / (tokens.length - 1));
        if (!own.isEmpty()) {
          misses.add(String.join("; ", own));
        }
      }
      return records;
    }
  }

  private static CompletableFuture<LlmResult> send(LlmSimulator sim, long intendedNanos) {
    LlmRequest request = new LlmRequest("chat", Dialects.byId("llamacpp"), Operation.CHAT, sim.baseUrl(), null, MODEL,
        List.of(Message.user("Tell me about the sea")), null, null, true, 4, Map.of(), Timeouts.DEFAULT);
    CompletableFuture<LlmResult> future = new CompletableFuture<>();
    client.send(request, intendedNanos, future::complete);
    return future;
  }

  private static void compare(List<String> misses, String what, Double measured, double truth) {
    assertThat(measured).as(what).isNotNull();
    if (Math.abs(measured - truth) > TOLERANCE_MS) {
      misses.add(String.format("%s: measured %.3f ms, true %.3f ms", what, measured, truth));
    }
  }

  private static Map<String, List<RequestTruth>> awaitTruth(LlmSimulator sim, List<RequestRecord> records)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Map<String, List<RequestTruth>> byId = sim.truth().stream().filter(t -> t.requestId() != null)
          .collect(Collectors.groupingBy(RequestTruth::requestId));
      if (records.stream().allMatch(r -> byId.containsKey(Long.toString(r.id()))) || System.nanoTime() > deadline) {
        return byId;
      }
      Thread.sleep(5);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
