package io.llmgatling.report;

import io.llmgatling.json.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceSummaryTest {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path runDir;

  @Test
  void should_integrate_a_constant_power_into_watt_hours() {
    long[] t = LongStream.rangeClosed(0, 3600).map(s -> s * 1000).toArray();
    double[] w = new double[t.length];
    java.util.Arrays.fill(w, 300);
    assertThat(ResourceSummary.wattHours(t, w)).isCloseTo(300.0, within(1e-9)); // 300 W for an hour
  }

  @Test
  void should_integrate_a_power_ramp_as_its_trapezoid() {
    // 0 -> 100 W over 10 s, sampled at uneven instants: 500 J = 0.1389 Wh whatever the sampling
    assertThat(ResourceSummary.wattHours(new long[] {0, 2_000, 7_000, 10_000}, new double[] {0, 20, 70, 100}))
        .isCloseTo(500 / 3600.0, within(1e-9));
  }

  @Test
  void should_give_no_energy_for_a_single_sample() {
    assertThat(ResourceSummary.wattHours(new long[] {0}, new double[] {250})).isZero();
  }

  @Test
  void should_summarise_gpu_energy_per_thousand_output_tokens_and_server_gauges() throws Exception {
    Files.writeString(runDir.resolve("resources.jsonl"), String.join("\n",
        "{\"t\":" + (START + 1000) + ",\"source\":\"process\",\"cpuPercent\":100,\"rssMb\":900}",
        "{\"t\":" + (START + 1000) + ",\"source\":\"gpu\",\"gpus\":2,\"utilPercent\":90,\"memoryMb\":40000,\"powerW\":360}",
        "{\"t\":" + (START + 1000) + ",\"source\":\"server\",\"busySlots\":1,\"slots\":4,\"requestsDeferred\":0,"
            + "\"promptTokensTotal\":1000,\"tokensPredictedTotal\":500}",
        "{\"t\":" + (START + 2000) + ",\"source\":\"gpu\",\"gpus\":2,\"utilPercent\":96,\"memoryMb\":40100,\"powerW\":360}",
        "{\"t\":" + (START + 2000) + ",\"source\":\"server\",\"busySlots\":4,\"slots\":4,\"requestsDeferred\":3,"
            + "\"promptTokensTotal\":1600,\"tokensPredictedTotal\":550,\"vramMbByModel\":{\"llama3.2:3b\":2048.0}}",
        ""));

    ResourceSummary.Read read = ResourceSummary.read(runDir, START, 50);

    Summary.Gpu gpu = read.summary().gpu();
    assertThat(gpu.samples()).isEqualTo(2);
    assertThat(gpu.gpus()).isEqualTo(2);
    assertThat(gpu.powerW().max()).isEqualTo(360.0);
    assertThat(gpu.energyWh()).isEqualTo(0.1); // 360 W for one second
    assertThat(gpu.energyWhPer1kOutputTokens()).isEqualTo(2.0); // 0.1 Wh for 50 tokens
    Summary.Gauges server = read.summary().server();
    assertThat(server.gauges()).containsOnlyKeys("busySlots", "slots", "requestsDeferred");
    assertThat(server.gauges().get("requestsDeferred").max()).isEqualTo(3.0);
    assertThat(server.counters()).containsEntry("promptTokens", 600.0).containsEntry("tokensPredicted", 50.0);
    assertThat(read.summary().getSamples()).isEqualTo(1);
    assertThat(read.summary().quantities()).containsOnlyKeys("cpuPercent", "rssMb");

    // the chart series share the "over time" axis: seconds since the run start
    assertThat(read.series().get("gpu").get("t")).containsExactly(1.0, 2.0);
    assertThat(read.series().get("server").get("busySlots")).containsExactly(1.0, 4.0);

    JsonNode json = Json.MAPPER.valueToTree(read.summary());
    assertThat(json.path("gpu").path("energyWhPer1kOutputTokens").asDouble()).isEqualTo(2.0);
    assertThat(json.path("gpu").path("utilPercent").path("max").asDouble()).isEqualTo(96.0);
    assertThat(json.path("server").path("busySlots").path("p50").isNumber()).isTrue();
    assertThat(json.path("server").path("promptTokens").asDouble()).isEqualTo(600.0);
    Summary.Resources back = Json.MAPPER.treeToValue(json, Summary.Resources.class);
    assertThat(back.gpu()).isEqualTo(gpu);
    assertThat(back.server().counters()).isEqualTo(server.counters());
    assertThat(server.vramMbByModel()).containsExactly(java.util.Map.entry("llama3.2:3b", 2048.0));
    assertThat(back.server().vramMbByModel()).isEqualTo(server.vramMbByModel());
    assertThat(back.quantities()).containsOnlyKeys("cpuPercent", "rssMb");
  }

  @Test
  void should_leave_out_a_counter_that_went_down() throws Exception {
    Files.writeString(runDir.resolve("resources.jsonl"), String.join("\n",
        "{\"t\":" + START + ",\"source\":\"server\",\"requestsProcessing\":1,\"promptTokensTotal\":900}",
        "{\"t\":" + (START + 1000) + ",\"source\":\"server\",\"requestsProcessing\":0,\"promptTokensTotal\":10}", ""));
    Summary.Gauges server = ResourceSummary.read(runDir, START, 0).summary().server();
    assertThat(server.counters()).isEmpty();
    assertThat(List.copyOf(server.gauges().keySet())).containsExactly("requestsProcessing");
  }
}
