package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  /** llama-server's /metrics (build b4600, --metrics), as printed. */
  static final String LLAMA_SERVER = """
      # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
      # TYPE llamacpp:prompt_tokens_total counter
      llamacpp:prompt_tokens_total 33065
      # HELP llamacpp:prompt_seconds_total Prompt process time
      # TYPE llamacpp:prompt_seconds_total counter
      llamacpp:prompt_seconds_total 235.743
      # HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
      # TYPE llamacpp:tokens_predicted_total counter
      llamacpp:tokens_predicted_total 7801
      # HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.
      # TYPE llamacpp:kv_cache_usage_ratio gauge
      llamacpp:kv_cache_usage_ratio 0.4375
      # HELP llamacpp:kv_cache_tokens KV-cache tokens.
      # TYPE llamacpp:kv_cache_tokens gauge
      llamacpp:kv_cache_tokens 1792
      # HELP llamacpp:requests_processing Number of requests processing.
      # TYPE llamacpp:requests_processing gauge
      llamacpp:requests_processing 2
      # HELP llamacpp:requests_deferred Number of requests deferred.
      # TYPE llamacpp:requests_deferred gauge
      llamacpp:requests_deferred 5
      """;

  @Test
  void should_read_llama_server_samples_by_name() {
    Map<String, Double> m = PrometheusText.parse(LLAMA_SERVER);
    assertThat(m).containsEntry("llamacpp:prompt_tokens_total", 33065.0)
        .containsEntry("llamacpp:prompt_seconds_total", 235.743)
        .containsEntry("llamacpp:requests_deferred", 5.0)
        .hasSize(7);
  }

  @Test
  void should_keep_labels_in_the_series_name_and_read_special_values_and_timestamps() {
    Map<String, Double> m = PrometheusText.parse("""
        http_requests_total{method="post",code="200"} 1027 1395066363000
        rpc_duration_seconds{quantile="0.5"} NaN
        histogram_bucket{le="+Inf"} +Inf
        not a sample line
        """);
    assertThat(m).containsEntry("http_requests_total{method=\"post\",code=\"200\"}", 1027.0)
        .containsEntry("histogram_bucket{le=\"+Inf\"}", Double.POSITIVE_INFINITY)
        .containsKey("rpc_duration_seconds{quantile=\"0.5\"}")
        .hasSize(3);
  }

  @Test
  void should_turn_llama_server_metrics_into_gauges_and_counters_of_a_sample() {
    ObjectNode line = new ObjectMapper().createObjectNode();
    assertThat(ServerGauges.read("/metrics", LLAMA_SERVER, line)).isTrue();
    assertThat(line.path("requestsProcessing").asDouble()).isEqualTo(2.0);
    assertThat(line.path("requestsDeferred").asDouble()).isEqualTo(5.0);
    assertThat(line.path("kvCacheUsePercent").asDouble()).isEqualTo(43.75);
    assertThat(line.path("promptTokensTotal").asDouble()).isEqualTo(33065.0);
  }

  @Test
  void should_not_take_another_servers_metrics_for_llama_servers() {
    assertThat(ServerGauges.read("/metrics", "go_goroutines 12\n", new ObjectMapper().createObjectNode())).isFalse();
  }

  @Test
  void should_count_loaded_instances_of_lm_studio_and_vram_of_ollama() {
    ObjectNode line = new ObjectMapper().createObjectNode();
    assertThat(ServerGauges.read("/api/v1/models", """
        {"models":[{"type":"llm","key":"qwen/qwen3-4b","loaded_instances":[{"id":"qwen/qwen3-4b"},{"id":"qwen/qwen3-4b:2"}]},
                   {"type":"embedding","key":"nomic-embed","loaded_instances":[]}]}""", line)).isTrue();
    assertThat(line.path("loadedInstances").asInt()).isEqualTo(2);
    assertThat(ServerGauges.read("/api/ps", """
        {"models":[{"name":"llama3.2:3b","size":3355443200,"size_vram":2147483648}]}""", line)).isTrue();
    assertThat(line.path("loadedModels").asInt()).isEqualTo(1);
    assertThat(line.path("vramMb").asDouble()).isEqualTo(2048.0);
    assertThat(line.path("modelMb").asDouble()).isEqualTo(3200.0);
    assertThat(line.path("vramMbByModel").path("llama3.2:3b").asDouble()).isEqualTo(2048.0);
  }
}
