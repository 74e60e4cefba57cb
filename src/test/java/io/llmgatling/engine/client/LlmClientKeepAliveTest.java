package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.StubLlmServer.Received;
import io.llmgatling.engine.client.StubLlmServer.Script;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestJournal;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.report.LlmReport;
import io.llmgatling.report.RunMeta;
import io.llmgatling.report.Summary;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection reuse against a scripted server: the Keep-Alive header's timeout and max, Connection: close and
 * HTTP/1.0, and the one resend of a request whose reused connection closed before any response byte (the
 * race llama-server's 5-s idle close caused: reproduced here deterministically, the server closing the
 * connection the moment the second request's bytes arrive).
 */
class LlmClientKeepAliveTest {
  private static final String NDJSON = "application/x-ndjson";
  private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofSeconds(5));
  private static final String CHUNK = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
      + "\"done\":false}\n";
  private static final String DONE = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
      + "\"done_reason\":\"stop\",\"done\":true,\"eval_count\":1}\n";

  private StubLlmServer server;
  private final LlmClient client = new LlmClient(ClientOptions.defaults());

  @AfterEach
  void stop() {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  private static Script ok() {
    return Script.stream(NDJSON).chunk(CHUNK).chunk(DONE).end();
  }

  private StubLlmServer serve(Function<Received, Script> router) throws InterruptedException {
    server = new StubLlmServer(router);
    return server;
  }

  private LlmResult call() throws Exception {
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, server.baseUrl(), null, "m",
        List.of(Message.user("hello")), null, List.of(), true, 16, Map.of(), FAST);
    CompletableFuture<LlmResult> done = new CompletableFuture<>();
    client.send(request, System.nanoTime(), done::complete);
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void should_resend_once_on_a_new_connection_when_a_reused_connection_closes_before_any_response_byte(
      @TempDir Path dir) throws Exception {
    serve(r -> r.onConnection() == 1 ? ok() : Script.closeAtOnce());
    RequestRecord first = call().record();
    RequestRecord second = call().record();

    assertThat(first.ok()).isTrue();
    assertThat(first.retried()).isFalse();
    assertThat(second.ok()).as(second.message()).isTrue();
    assertThat(second.retried()).isTrue();
    assertThat(second.contentChunks()).isEqualTo(1);
    assertThat(server.connections.get()).as("the resend went out on a new connection").isEqualTo(2);
    assertThat(server.received).extracting(Received::requestId)
        .containsExactly(Long.toString(first.id()), Long.toString(second.id()), Long.toString(second.id()));

    Summary summary = report(dir, List.of(first, second));
    assertThat(summary.all().ko()).isZero();
    assertThat(summary.all().staleRetries()).isEqualTo(1);
    assertThat(summary.tasks().get("chat").staleRetries()).isEqualTo(1);
    assertThat(summary.models().get("m").staleRetries()).isEqualTo(1);
    assertThat(Files.readAllLines(dir.resolve("requests.jsonl")))
        .satisfiesExactly(line -> assertThat(line).doesNotContain("retried"),
            line -> assertThat(line).contains("\"retried\":true"));
  }

  @Test
  void should_resend_once_when_a_reused_connection_is_reset_before_any_response_byte() throws Exception {
    serve(r -> r.onConnection() == 1 ? ok() : Script.resetAtOnce());
    call();
    RequestRecord second = call().record();

    assertThat(second.ok()).as(second.message()).isTrue();
    assertThat(second.retried()).isTrue();
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void should_time_a_resent_request_from_the_resend_and_count_the_lost_attempt_as_client_delay()
      throws Exception {
    serve(r -> r.onConnection() == 1 ? Script.stream(NDJSON).pause(50).chunk(CHUNK).chunk(DONE).end()
        : Script.closeAtOnce());
    call();
    long intended = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(30);
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, server.baseUrl(), null, "m",
        List.of(Message.user("hello")), null, List.of(), true, 16, Map.of(), FAST);
    CompletableFuture<LlmResult> done = new CompletableFuture<>();
    client.send(request, intended, done::complete);
    RequestRecord r = done.get(10, TimeUnit.SECONDS).record();

    assertThat(r.retried()).isTrue();
    assertThat(r.clientDelayMs()).as("intended 30 ms before sending").isGreaterThanOrEqualTo(30.0);
    assertThat(r.ttftMs()).as("the answer's 50 ms pause, measured from the resend").isBetween(45.0, 500.0);
  }

  @Test
  void should_keep_a_failure_on_a_fresh_connection_as_a_ko() throws Exception {
    serve(r -> Script.closeAtOnce());
    RequestRecord r = call().record();

    assertThat(r.ok()).isFalse();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.message()).contains("closed before the response headers");
    assertThat(r.retried()).isFalse();
    assertThat(server.received).hasSize(1);
  }

  @Test
  void should_keep_a_failure_after_the_first_response_byte_as_a_ko_even_on_a_reused_connection()
      throws Exception {
    serve(r -> r.onConnection() == 1 ? ok() : Script.stream(NDJSON).pause(10).closeConnection());
    call();
    RequestRecord r = call().record();

    assertThat(r.ok()).isFalse();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.retried()).isFalse();
    assertThat(server.received).hasSize(2);
  }

  @Test
  void should_keep_a_failure_of_the_resend_as_a_ko_marked_retried() throws Exception {
    serve(r -> r.onConnection() == 1 && server.received.size() == 1 ? ok() : Script.closeAtOnce());
    call();
    RequestRecord r = call().record();

    assertThat(r.ok()).isFalse();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.retried()).isTrue();
    assertThat(server.received).as("sent twice, never a third time").hasSize(3);
  }

  @Test
  void should_retire_an_idle_connection_before_the_servers_keep_alive_timeout() throws Exception {
    serve(r -> ok().header("Keep-Alive", "timeout=1"));
    call();
    Thread.sleep(900); // the idle time under test: within the server's 1 s, past the client's 0.5 s
    RequestRecord r = call().record();

    assertThat(r.ok()).isTrue();
    assertThat(r.retried()).isFalse();
    assertThat(server.connections.get()).as("the idle connection was retired, not reused").isEqualTo(2);
  }

  @Test
  void should_reuse_a_connection_idle_for_less_than_the_keep_alive_margin() throws Exception {
    serve(r -> ok().header("Keep-Alive", "timeout=1"));
    call();
    Thread.sleep(100);
    call();

    assertThat(server.connections.get()).isEqualTo(1);
  }

  @Test
  void should_open_a_new_connection_after_max_requests() throws Exception {
    serve(r -> ok().header("Keep-Alive", "timeout=5, max=2"));
    for (int i = 0; i < 5; i++) {
      assertThat(call().record().ok()).isTrue();
    }

    assertThat(server.received).extracting(Received::onConnection).containsExactly(1, 2, 1, 2, 1);
    assertThat(server.connections.get()).isEqualTo(3);
  }

  @Test
  void should_not_reuse_a_connection_the_server_answered_with_connection_close() throws Exception {
    serve(r -> ok().header("Connection", "close")); // and keeps it open: the client must not reuse it anyway
    call();
    call();

    assertThat(server.connections.get()).isEqualTo(2);
    assertThat(server.received).extracting(Received::onConnection).containsExactly(1, 1);
  }

  @Test
  void should_not_reuse_a_connection_after_an_http_1_0_answer_without_keep_alive() throws Exception {
    serve(r -> Script.full(200, "application/json", "{\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\"x\"},\"finish_reason\":\"stop\"}]}").version(HttpVersion.HTTP_1_0));
    LlmRequest request = new LlmRequest("chat", Dialects.byId("openai"), Operation.CHAT, server.baseUrl(), null, "m",
        List.of(Message.user("hello")), null, List.of(), false, 16, Map.of(), FAST);
    for (int i = 0; i < 2; i++) {
      CompletableFuture<LlmResult> done = new CompletableFuture<>();
      client.send(request, System.nanoTime(), done::complete);
      assertThat(done.get(10, TimeUnit.SECONDS).record().ok()).isTrue();
    }

    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void should_behave_as_before_without_a_keep_alive_header() throws Exception {
    serve(r -> ok());
    for (int i = 0; i < 4; i++) {
      call();
    }

    assertThat(server.connections.get()).isEqualTo(1);
  }

  private static Summary report(Path dir, List<RequestRecord> records) throws Exception {
    try (RequestJournal journal = RequestJournal.open(dir.resolve("requests.jsonl"))) {
      records.forEach(journal::append);
    }
    long start = System.currentTimeMillis() - 1_000;
    Files.writeString(dir.resolve(RunMeta.FILE_NAME), "{\"id\":\"r\",\"simulation\":\"S\",\"startEpochMs\":" + start
        + ",\"endEpochMs\":" + (start + 1_000) + ",\"shard\":\"1/1\",\"api\":\"ollama\",\"models\":[\"m\"]}");
    return LlmReport.generate(dir, RunMeta.read(dir), List.of());
  }
}
