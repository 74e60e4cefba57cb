package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fail-fast checks before any load, against the simulator and against nothing at all. */
class ServerPreflightIT {
  private static LlmSimulator sim;

  @BeforeAll
  static void start() {
    sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).build());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void should_accept_a_server_that_has_the_models_including_ollamas_implicit_latest_tag() {
    ServerPreflight.Result result = ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(sim.baseUrl()), null,
        List.of("llama3.2:3b", "nomic-embed-text"), false);

    assertThat(result.version()).isNotBlank();
    assertThat(result.models()).contains("llama3.2:3b", "nomic-embed-text:latest");
  }

  @Test
  void should_accept_the_openai_and_lmstudio_model_lists() {
    assertThat(ServerPreflight.check(Dialects.byId("openai"), BaseUrl.of(sim.baseUrl()), "sk-test", List.of("qwen2.5:7b"), false)
        .models()).contains("qwen2.5:7b");
    assertThat(ServerPreflight.check(Dialects.byId("lmstudio"), BaseUrl.of(sim.baseUrl()), null, List.of("qwen2.5:7b"), false)
        .models()).contains("qwen2.5:7b");
  }

  @Test
  void should_name_the_missing_model_and_list_what_the_server_has() {
    assertThatThrownBy(() -> ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(sim.baseUrl()), null,
        List.of("llama3.2:3b", "mistral:7b"), false))
        .isInstanceOf(ServerPreflight.PreflightException.class)
        .hasMessageStartingWith("model mistral:7b not found on " + sim.baseUrl())
        .hasMessageContaining("it serves: ")
        .hasMessageContaining("qwen2.5:7b")
        .hasMessageContaining("ollama pull");
  }

  @Test
  void should_say_in_one_line_that_a_dead_server_is_down() throws Exception {
    int freePort = freePort();
    URI dead = URI.create("http://127.0.0.1:" + freePort);

    assertThatThrownBy(() -> ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(dead), null, List.of("x"), false))
        .isInstanceOf(ServerPreflight.PreflightException.class)
        .hasMessage("cannot connect to " + dead + ": connection refused. Is the server running and is llm.baseUrl"
            + " right?");
  }

  @Test
  void should_never_show_credentials_written_into_the_url() throws Exception {
    int freePort = freePort();
    URI withPassword = URI.create("http://admin:hunter2@127.0.0.1:" + freePort);

    assertThatThrownBy(() -> ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(withPassword), null, List.of("x"), false))
        .hasMessageContaining("http://***@127.0.0.1:" + freePort)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void should_say_when_the_url_is_not_a_server_of_that_kind() {
    assertThatThrownBy(() -> ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.parse(sim.baseUrl() + "/nothing-here"),
        null, List.of("x"), false))
        .isInstanceOf(ServerPreflight.PreflightException.class)
        .hasMessageContaining("answered HTTP 404")
        .hasMessageContaining("llm.target");
  }

  @Test
  void should_say_in_one_line_that_the_key_was_refused_with_the_url_masked() throws Exception {
    HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    refusing.createContext("/", exchange -> {
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    refusing.start();
    try {
      BaseUrl withPassword = BaseUrl.parse("http://admin:hunter2@127.0.0.1:" + refusing.getAddress().getPort());

      assertThatThrownBy(() -> ServerPreflight.check(Dialects.byId("openai"), withPassword, "sk-wrong", List.of("m"), false))
          .isInstanceOf(ServerPreflight.PreflightException.class)
          .hasMessage("http://***@127.0.0.1:" + refusing.getAddress().getPort()
              + "/v1/models answered HTTP 401: check llm.apiKey");
    } finally {
      refusing.stop(0);
    }
  }

  /** A port nothing listens on (it was free a moment ago). */
  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
