package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's measurements against the simulator's true timeline (same JVM, same nanoTime clock):
 * TTFT, every inter-token gap, token counts and server-side queue time within 2 ms, for NDJSON (Ollama)
 * and SSE (llama-server). One slot and concurrent requests make the later requests queue.
 */
class LlmClientTimingIT {
  private static final double TOLERANCE_MS = 2.0;
  private static final int CONCURRENT = 3;
  /**
   * A load generator sharing two cores with other processes can be descheduled for a few ms at any
   * moment, on the client or the simulator side; a systematic error fails every attempt, such a stall
   * only one. The test passes when one whole batch matches within the tolerance.
   */
  private static final int ATTEMPTS = 3;

  private static LlmClient client;

  @BeforeAll
  static void start() {
    client = new LlmClient(ClientOptions.defaults());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void should_measure_ndjson_streams_as_the_simulator_timed_them() throws Exception {
    check("ollama", Dialects.byId("ollama"), "llama3.2:3b");
  }

  @Test
  void should_measure_sse_streams_as_the_simulator_timed_them() throws Exception {
    check("llamacpp", Dialects.byId("llamacpp"), "qwen2.5-7b-instruct-q4_k_m.gguf");
  }

  private static void check(String profile, Dialect api, String model) throws Exception {
    SimulatorConfig config = SimulatorConfig.forProfile(profile).toBuilder()
        .port(0).slots(1).preloadModels(true).outputTokens(12).build();
    try (LlmSimulator sim = LlmSimulator.start(config)) {
      // warm-up: class loading and JIT on both sides must not land in the measured requests
      for (int round = 0; round < 5; round++) {
        send(sim, api, model, CONCURRENT);
      }
      List<String> misses = List.of();
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        sim.clearTruth();
        misses = measureOnce(sim, api, model);
        if (misses.isEmpty()) {
          return;
        }
        System.err.println("attempt " + attempt + " missed the 2 ms tolerance: " + misses);
      }
      assertThat(misses).as("timings off by more than %s ms in %d attempts in a row", TOLERANCE_MS, ATTEMPTS)
          .isEmpty();
    }
  }

  /** One measured batch: hard facts asserted, timing misses returned. */
  private static List<String> measureOnce(LlmSimulator sim, Dialect api, String model) throws Exception {
    List<LlmResult> results = send(sim, api, model, CONCURRENT);
    Map<String, RequestTruth> truthById = awaitTruth(sim, results);
    List<String> misses = new ArrayList<>();
    boolean someoneQueued = false;
    for (LlmResult result : results) {
      RequestRecord r = result.record();
      RequestTruth truth = truthById.get(Long.toString(r.id()));
      assertThat(truth).as("simulator truth for X-Request-Id %d", r.id()).isNotNull();
      assertThat(r.outputTokens()).isEqualTo(truth.outputTokens());
      assertThat(r.contentChunks()).isEqualTo(truth.tokenNanos().length);
      long[] tokens = truth.tokenNanos();
      assertThat(r.chunkGapsMs()).hasSize(tokens.length - 1);

      compare(misses, "TTFT of request " + r.id(), r.ttftMs(), ms(truth.firstTokenNanos() - truth.arrivalNanos()));
      for (int i = 1; i < tokens.length; i++) {
        compare(misses, "gap " + i + " of request " + r.id(), r.chunkGapsMs()[i - 1], ms(tokens[i] - tokens[i - 1]));
      }
      compare(misses, "ITL of request " + r.id(), r.itlMs(),
          ms(tokens[tokens.length - 1] - tokens[0]) / (tokens.length - 1));
      compare(misses, "queue of request " + r.id(), r.queueMs(), ms(truth.queueNanos()));
      someoneQueued |= truth.queueNanos() > 10_000_000L;
    }
    assertThat(someoneQueued).as("one slot, %d concurrent requests: some must queue", CONCURRENT).isTrue();
    return misses;
  }

  private static void compare(List<String> misses, String what, Double measured, double truth) {
    assertThat(measured).as(what).isNotNull();
    if (Math.abs(measured - truth) > TOLERANCE_MS) {
      misses.add(String.format("%s: measured %.3f ms, true %.3f ms", what, measured, truth));
    }
  }

  /** The simulator files a request's truth after its last write, which may be after the client's read. */
  private static Map<String, RequestTruth> awaitTruth(LlmSimulator sim, List<LlmResult> results)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Map<String, RequestTruth> byId = sim.truth().stream()
          .filter(t -> t.requestId() != null)
          .collect(Collectors.toMap(RequestTruth::requestId, Function.identity(), (a, b) -> b));
      boolean all = results.stream().allMatch(r -> byId.containsKey(Long.toString(r.record().id())));
      if (all || System.nanoTime() > deadline) {
        return byId;
      }
      Thread.sleep(5);
    }
  }

  private static List<LlmResult> send(LlmSimulator sim, Dialect api, String model, int n) throws Exception {
    List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LlmRequest request = new LlmRequest("chat", api, Operation.CHAT, sim.baseUrl(), null, model,
          List.of(Message.user("Tell me about the sea, request " + i)), null, null, true, 12, Map.of(),
          Timeouts.DEFAULT);
      CompletableFuture<LlmResult> future = new CompletableFuture<>();
      client.send(request, System.nanoTime(), future::complete);
      futures.add(future);
    }
    List<LlmResult> results = new ArrayList<>();
    for (CompletableFuture<LlmResult> f : futures) {
      LlmResult result = f.get(30, TimeUnit.SECONDS);
      assertThat(result.record().ok()).as(result.record().message()).isTrue();
      results.add(result);
    }
    return results;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
