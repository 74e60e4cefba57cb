package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.dialect.ServerDialects;
import org.junit.jupiter.api.Test;

/** The route table the registered dialects declare: who answers which method and path. */
class RouterTest {
  private static Router router(String profile) {
    return Router.of(SimulatorConfig.forProfile(profile), ServerDialects.ALL);
  }

  private static String api(Router.Route route) {
    return route == null ? null : route.api();
  }

  @Test
  void should_register_one_dialect_per_server_api() {
    assertThat(ServerDialects.names()).containsExactly("ollama", "openai", "lmstudio", "llamacpp", "responses",
        "anthropic", "lmstudio-v1", "llamacpp-native");
  }

  @Test
  void should_route_each_api_path_to_its_dialect() {
    Router r = router("ollama");
    assertThat(api(r.find("POST", "/api/chat"))).isEqualTo("ollama");
    assertThat(api(r.find("POST", "/v1/chat/completions"))).isEqualTo("openai");
    assertThat(api(r.find("POST", "/api/v0/completions"))).isEqualTo("lmstudio");
    assertThat(api(r.find("GET", "/v1/models/llama3.2:3b"))).isEqualTo("openai");
    assertThat(api(r.find("HEAD", "/api/tags"))).as("HEAD answered by GET's route").isEqualTo("ollama");
    assertThat(api(r.find("GET", "/"))).as("a probe is no API").isEqualTo("none");
  }

  @Test
  void should_let_llama_server_take_over_v1_under_its_timings() {
    assertThat(api(router("llamacpp").find("POST", "/v1/chat/completions"))).isEqualTo("llamacpp");
    assertThat(api(router("llamacpp").notFound("/v1/nothing"))).isEqualTo("llamacpp");
    assertThat(api(router("lmstudio").find("POST", "/v1/chat/completions"))).isEqualTo("openai");
  }

  @Test
  void should_leave_unknown_methods_and_paths_to_the_longest_not_found_prefix() {
    Router r = router("ollama");
    assertThat(r.find("GET", "/api/chat")).isNull();
    assertThat(r.find("DELETE", "/v1/chat/completions")).isNull();
    assertThat(api(r.notFound("/api/v0/nothing"))).isEqualTo("lmstudio");
    assertThat(api(r.notFound("/api/nothing"))).isEqualTo("ollama");
    assertThat(r.notFound("/nothing")).isNull();
  }
}
