package io.llmgatling.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.cli.LlmGatlingCli;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fitted model against the embedded simulator with zero jitter and known rates: the fit recovers the
 * simulator's knobs, {@code whatif} on a 2-slot run predicts the 4-slot server, and {@code calibrate} writes a
 * profile with which the simulator plays the original again at 1, 2, 4 and 8 users.
 */
class ServerModelIT {
  private static final String MODEL = "llama3.2:3b";
  private static final int[] USERS = {1, 2, 4, 8};
  /** 4 slots, 500 prompt tokens/s, 100 tokens/s alone, each extra stream 10 % slower. */
  private static final SimulatorConfig FOUR_SLOTS = server(4, 500, 100, 0.1);
  private static final Map<Integer, Path> SWEEP = new LinkedHashMap<>();

  private static SimulatorConfig server(int slots, double prefill, double decode, double slowdown) {
    return SimulatorConfig.defaults().toBuilder().slots(slots).jitter(0).loadTimeMs(0).preloadModels(true)
        .rates(prefill, decode, slowdown).build();
  }

  private static Path configFile(SimulatorConfig config) throws IOException {
    Path file = Files.createTempFile("sim", ".json");
    Files.writeString(file, config.toJson());
    return file;
  }

  /** A short closed-loop run: 20-token completions. */
  private static Path closedRun(Path simConfig, int users, String duration) {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", Map.of("llm.sim.config",
        simConfig.toAbsolutePath().toString(), "llm.mix", "completion", "llm.model", MODEL, "llm.maxTokens", "20",
        "llm.profile", "closed", "llm.users", Integer.toString(users), "llm.rampUp", "0s", "llm.duration", duration,
        "llm.slo", "none"));
    assertThat(outcome.resultsDir()).isNotNull();
    return outcome.resultsDir();
  }

  @BeforeAll
  static void sweep() throws IOException {
    Path file = configFile(FOUR_SLOTS);
    closedRun(file, 4, "2s"); // the JVM's first run is slow on the client side (JIT): not a figure of the server
    for (int users : USERS) {
      SWEEP.put(users, closedRun(file, users, "3s"));
    }
  }

  private static List<RequestRecord> records(Path... runs) {
    List<RequestRecord> all = new ArrayList<>();
    for (Path run : runs) {
      for (JsonNode node : RunFiles.records(run)) {
        try {
          all.add(RunFiles.JSON.treeToValue(node, RequestRecord.class));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    }
    return all;
  }

  /** Completions per second of a closed-loop run, between its 10th and 90th percentile completion (steady). */
  private static double throughput(Path run) {
    double[] ends = records(run).stream().filter(RequestRecord::ok)
        .mapToDouble(r -> r.intendedAtMs() + r.clientDelayMs() + r.e2eMs()).sorted().toArray();
    int k = ends.length / 10;
    return (ends.length - 2 * k - 1) * 1000.0 / (ends[ends.length - k - 1] - ends[k]);
  }

  private static double p50(Path run, String metric) {
    return RunFiles.summary(run).path("all").path(metric).path("p50").asDouble();
  }

  @Test
  void should_recover_the_simulators_slots_prefill_and_decode_rates() {
    ServerFit.Fit fit = ServerFit.fit(records(SWEEP.values().toArray(Path[]::new)),
        CapacityAnalysis.ServerHints.NONE);

    ServerParams p = fit.params();
    System.out.printf("figures: fitted %s, prefill as profiled %.1f tok/s%n", p,
        SimulatorProfile.effectivePrefillRate(p, fit.samples()));
    assertThat(p.slots()).isEqualTo(4);
    assertThat(p.slotsFrom()).isEqualTo("queueing");
    assertThat(SimulatorProfile.effectivePrefillRate(p, fit.samples())).isCloseTo(500, withPercentage(10));
    ModelSpec truth = FOUR_SLOTS.model(MODEL);
    for (int n = 1; n <= 4; n++) {
      assertThat(p.perStreamRate(n)).as("decode with %d streams", n)
          .isCloseTo(truth.decodeTokensPerSec() / (1 + truth.batchSlowdown() * (n - 1)), withPercentage(10));
    }
  }

  @Test
  void should_calibrate_a_profile_that_plays_the_server_again() throws IOException {
    Path userFiles = Files.createTempDirectory("calibrated");
    List<String> args = new ArrayList<>(List.of("calibrate"));
    SWEEP.values().forEach(p -> args.add(p.toString()));
    args.addAll(List.of("--name", "it", "--out", userFiles.toString()));

    assertThat(LlmGatlingCli.run(args.toArray(String[]::new))).isZero();

    Path profile = userFiles.resolve("simulator-it.json");
    for (int users : USERS) {
      Path original = SWEEP.get(users);
      Path replayed = closedRun(profile, users, "3s");
      System.out.printf("figures: %d users: throughput %.2f / %.2f req/s, TTFT p50 %.1f / %.1f ms, ITL p50 %.2f / %.2f ms"
          + " (original / calibrated)%n", users, throughput(original), throughput(replayed), p50(original, "ttftMs"),
          p50(replayed, "ttftMs"), p50(original, "itlMs"), p50(replayed, "itlMs"));
      assertThat(throughput(replayed)).as("throughput at %d users", users)
          .isCloseTo(throughput(original), withPercentage(15));
      assertThat(p50(replayed, "ttftMs")).as("TTFT p50 at %d users", users)
          .isCloseTo(p50(original, "ttftMs"), withPercentage(15));
      assertThat(p50(replayed, "itlMs")).as("ITL p50 at %d users", users)
          .isCloseTo(p50(original, "itlMs"), withPercentage(15));
    }
  }

  @Test
  void should_predict_the_capacity_of_known_servers_within_10_percent() throws IOException {
    // slots, prefill tok/s, decode tok/s, slowdown: 1 deterministic slot; 2 slots of ~80 ms prefill and 20 tokens
    // 20 ms apart (the 480 ms server); 4 slots with batching slowdown
    // (and the seconds to run for some 25 requests at least)
    double[][] servers = {{1, 1000, 200, 0, 3}, {2, 175, 50, 0, 5}, {4, 500, 100, 0.2, 3}};
    for (double[] s : servers) {
      int slots = (int) s[0];
      SimulatorConfig config = server(slots, s[1], s[2], s[3]);
      Path run = closedRun(configFile(config), 2 * slots, (int) s[4] + "s");
      List<RequestRecord> records = records(run);
      // saturation: every slot busy, so every stream decodes at decode / (1 + b (slots − 1))
      double meanPrompt = records.stream().mapToInt(RequestRecord::promptTokens).average().orElseThrow();
      double serviceSec = meanPrompt / s[1] + 20 / (s[2] / (1 + s[3] * (slots - 1)));
      double analytic = slots / serviceSec;

      CapacityAnalysis.Result result = CapacityAnalysis.analyze(records, Slo.parseList("ttft.p95<2s"),
          CapacityAnalysis.ServerHints.NONE);

      System.out.printf("figures: %d slots: predicted %.2f req/s, analytic %.2f, closed-loop measured %.2f%n", slots,
          result.predictedMaxRatePerSec(), analytic, throughput(run));
      assertThat(result.model().slots()).isEqualTo(slots);
      assertThat(result.predictedMaxRatePerSec()).as("%d slots", slots).isCloseTo(analytic, withPercentage(10));
    }
  }

  @Test
  void should_predict_the_four_slot_server_from_a_two_slot_run() throws IOException {
    SimulatorConfig twoSlots = FOUR_SLOTS.toBuilder().slots(2).build();
    // a ramp past the 2-slot capacity (about 7 req/s): one, then two streams, then a queue
    GatlingRun.Outcome ramp = GatlingRun.run("MultiTaskSimulation", Map.of("llm.sim.config",
        configFile(twoSlots).toAbsolutePath().toString(), "llm.mix", "completion", "llm.model", MODEL,
        "llm.maxTokens", "20", "llm.profile", "ramp", "llm.ramp.from", "1", "llm.rate", "10", "llm.duration", "6s",
        "llm.slo", "none"));
    Path fourSlotRun = SWEEP.get(8); // 8 users on 4 slots: every slot always busy, the server's saturation

    assertThat(LlmGatlingCli.run("whatif", ramp.resultsDir().toString(), "--slots", "4", "--slo", "e2e.p95<60s"))
        .isZero();

    JsonNode whatif = RunFiles.JSON.readTree(ramp.resultsDir().resolve("whatif.json").toFile());
    System.out.printf("figures: whatif --slots 4 on the 2-slot run predicts %.2f req/s, 4 slots measured %.2f%n",
        whatif.path("predicted").path("maxRatePerSec").asDouble(), throughput(fourSlotRun));
    assertThat(whatif.path("model").path("slots").asInt()).isEqualTo(2);
    assertThat(whatif.path("predicted").path("maxRatePerSec").asDouble())
        .isCloseTo(throughput(fourSlotRun), withPercentage(15));
  }
}
