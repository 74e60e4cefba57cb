package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.client.TlsTrust;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.run.ServerPreflight;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import io.llmgatling.support.TlsProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https targets: a server with a self-signed certificate (the simulator behind a local TLS front) is refused
 * with a message that says why and names the opt-in, and works once the user opts in with
 * {@code llm.insecureTls=true} (protocol {@code .insecureTls()}); nothing is accepted silently.
 */
class TlsIT {
  private static final String MODEL = "llama3.2:3b";

  @TempDir
  static Path work;
  private static LlmSimulator sim;
  private static TlsProxy tls;
  /** A certificate for {@code other.example}, served at 127.0.0.1: untrusted and for another name. */
  private static TlsProxy otherName;

  @BeforeAll
  static void start() {
    sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).loadTimeMs(0).build());
    tls = TlsProxy.start(sim.baseUrl(), work);
    otherName = TlsProxy.startForOtherName(sim.baseUrl(), work, "other.example");
  }

  @AfterAll
  static void stop() throws Exception {
    tls.close();
    otherName.close();
    sim.close();
  }

  @Test
  void should_refuse_a_self_signed_certificate_as_connect_naming_the_opt_in() throws Exception {
    RequestRecord record = send(false).record();

    assertThat(record.ok()).isFalse();
    assertThat(record.cause()).isEqualTo("connect");
    assertThat(record.message()).contains(tls.baseUrl().toString()).contains("certificate")
        .contains("llm.insecureTls");
  }

  @Test
  void should_accept_a_self_signed_certificate_after_the_opt_in() throws Exception {
    RequestRecord record = send(true).record();

    assertThat(record.ok()).as(record.message()).isTrue();
    assertThat(record.outputTokens()).isPositive();
  }

  @Test
  void should_explain_an_untrusted_certificate_in_one_line_before_the_load() {
    Throwable refused = catchThrowable(() -> ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(tls.baseUrl()), null,
        List.of(MODEL), false));

    assertThat(refused).isInstanceOf(ServerPreflight.PreflightException.class);
    assertThat(refused.getMessage()).doesNotContain("\n").contains(tls.baseUrl().toString())
        .contains("certificate").contains("llm.insecureTls=true");
    assertThat(ServerPreflight.check(Dialects.byId("ollama"), BaseUrl.of(tls.baseUrl()), null, List.of(MODEL), true).models())
        .contains(MODEL);
  }

  @Test
  void should_preflight_a_certificate_for_another_name_after_the_opt_in_and_refuse_it_in_one_line_without() {
    BaseUrl target = BaseUrl.of(otherName.baseUrl());

    Throwable refused = catchThrowable(() -> ServerPreflight.check(Dialects.byId("ollama"), target, null, List.of(MODEL),
        false));

    assertThat(refused).isInstanceOf(ServerPreflight.PreflightException.class);
    assertThat(refused.getMessage()).doesNotContain("\n").startsWith("the TLS certificate of " + target
        + " is not trusted (").endsWith(TlsTrust.OPT_IN_HINT);
    // the opt-in is the same for the pre-flight as for the load: any certificate, whatever name it was made for
    assertThat(ServerPreflight.check(Dialects.byId("ollama"), target, null, List.of(MODEL), true).models())
        .contains(MODEL);
  }

  @Test
  void should_load_a_server_whose_certificate_names_another_host_after_the_opt_in() {
    GatlingRun.Outcome outcome = GatlingRun.run(ProbeSimulation.class.getName(), Map.of(
        "llm.target", "ollama", "llm.baseUrl", otherName.baseUrl().toString(), "llm.model", MODEL,
        "llm.insecureTls", "true", "llm.slo", "none", "llm.mix", "chat"));

    assertThat(outcome.resultsDir()).as("the pre-flight let the run start").isNotNull();
    assertThat(RunFiles.records(outcome.resultsDir())).hasSize(3)
        .allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue());
  }

  @Test
  void should_run_a_simulation_against_an_https_target_after_the_opt_in() {
    GatlingRun.Outcome outcome = GatlingRun.run(ProbeSimulation.class.getName(), Map.of(
        "llm.target", "ollama", "llm.baseUrl", tls.baseUrl().toString(), "llm.model", MODEL,
        "llm.insecureTls", "true", "llm.slo", "none", "llm.mix", "chat"));

    List<JsonNode> records = RunFiles.records(outcome.resultsDir());
    assertThat(records).hasSize(3).allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue());
    assertThat(RunFiles.summary(outcome.resultsDir()).path("target").path("baseUrl").asText())
        .isEqualTo(tls.baseUrl().toString());
  }

  private static LlmResult send(boolean insecureTls) throws Exception {
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, tls.baseUrl(), null, MODEL,
        List.of(Message.user("hello")), null, List.of(), true, 8, Map.of(),
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    try (LlmClient client = new LlmClient(ClientOptions.defaults().withInsecureTls(insecureTls))) {
      CompletableFuture<LlmResult> done = new CompletableFuture<>();
      client.send(request, System.nanoTime(), done::complete);
      return done.get(15, TimeUnit.SECONDS);
    }
  }
}
