package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.StubLlmServer.Script;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.netty.util.concurrent.EventExecutor;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlmClientTest {
  private static final String NDJSON = "application/x-ndjson";
  private static final String SSE = "text/event-stream";
  private static final String SECRET = "sk-test-secret-4242";
  private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
      Duration.ofMillis(300), Duration.ofSeconds(5));

  private static StubLlmServer server;
  private static LlmClient client;

  @BeforeAll
  static void start() throws Exception {
    server = new StubLlmServer(r -> script(model(r.body())));
    client = new LlmClient(ClientOptions.defaults().withMaxResponseBytes(4096));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static String model(String body) {
    try {
      return Json.MAPPER.readTree(body).get("model").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String ollamaChunk(String content) {
    return "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"done\":false}\n";
  }

  private static final String OLLAMA_DONE = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
      + "\"done_reason\":\"stop\",\"done\":true,\"total_duration\":60000000,\"load_duration\":1000000,"
      + "\"prompt_eval_count\":7,\"prompt_eval_duration\":4000000,\"eval_count\":3,\"eval_duration\":50000000}\n";

  private static String sseChunk(String content) {
    return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
  }

  private static Script script(String model) {
    return switch (model) {
      case "ndjson-ok" -> Script.stream(NDJSON).pause(20).chunk(ollamaChunk("Hel")).pause(10)
          .chunk(ollamaChunk("lo ")).pause(10).chunk(ollamaChunk("wörld")).chunk(OLLAMA_DONE).end();
      case "sse-ok" -> Script.stream(SSE).chunk(": ping\n\n")
          .chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n")
          .pause(20).chunk(sseChunk("A")).pause(10).chunk(sseChunk("B"))
          .chunk("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
          .chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2}}\n\n")
          .chunk("data: [DONE]\n\n").end();
      case "json-ok" -> Script.full(200, "application/json", "{\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"whole answer\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
          + "\"completion_tokens\":2}}");
      case "http-404" -> Script.full(404, "application/json", "{\"error\":\"model 'http-404' not found, try pulling it first\"}");
      case "http-500" -> Script.full(500, "application/json", "{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\"}}");
      case "http-503" -> Script.full(503, "text/plain", "Service Unavailable: loading model");
      case "dropped" -> Script.stream(NDJSON).chunk(ollamaChunk("a")).chunk(ollamaChunk("b")).pause(10).closeConnection();
      case "no-end-marker" -> Script.stream(SSE).chunk(sseChunk("a")).end();
      case "error-in-stream" -> Script.stream(NDJSON).chunk(ollamaChunk("a"))
          .chunk("{\"error\":\"an error was encountered while running the model\"}\n").end();
      case "sse-error-event" -> Script.stream(SSE).chunk(sseChunk("a"))
          .chunk("event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n").end();
      case "malformed" -> Script.stream(NDJSON).chunk(ollamaChunk("a")).chunk("{\"message\": oops\n").end();
      case "first-token-timeout" -> Script.stream(NDJSON).pause(2_000).chunk(OLLAMA_DONE).end();
      case "idle-timeout" -> Script.stream(NDJSON).chunk(ollamaChunk("a")).chunk(ollamaChunk("b")).pause(2_000)
          .chunk(OLLAMA_DONE).end();
      case "oversize" -> {
        Script s = Script.stream(NDJSON);
        for (int i = 0; i < 100; i++) {
          s.chunk(ollamaChunk("x".repeat(50)));
        }
        yield s.chunk(OLLAMA_DONE).end();
      }
      default -> Script.full(400, "application/json", "{\"error\":\"unknown scenario " + model + "\"}");
    };
  }

  private static LlmRequest request(Dialect api, String model, boolean stream, String apiKey) {
    return new LlmRequest("chat", api, Operation.CHAT, server.baseUrl(), apiKey, model,
        List.of(Message.user("hello")), null, List.of(), stream, 16, Map.of(), FAST);
  }

  private static LlmResult call(LlmRequest request) throws Exception {
    return call(client, request);
  }

  private static LlmResult call(LlmClient on, LlmRequest request) throws Exception {
    CompletableFuture<LlmResult> done = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean onEventLoop = new AtomicBoolean();
    on.send(request, System.nanoTime(), result -> {
      calls.incrementAndGet();
      for (EventExecutor executor : on.eventLoopGroup()) {
        if (executor.inEventLoop()) {
          onEventLoop.set(true);
        }
      }
      done.complete(result);
    });
    LlmResult result = done.get(10, TimeUnit.SECONDS);
    Thread.sleep(20); // a second (wrong) call would arrive now
    assertThat(calls.get()).as("onDone calls").isEqualTo(1);
    assertThat(onEventLoop.get()).as("onDone on an event loop").isTrue();
    return result;
  }

  private static StubLlmServer.Received receivedFor(RequestRecord record) {
    return server.received.stream().filter(r -> String.valueOf(record.id()).equals(r.requestId())).findFirst()
        .orElseThrow();
  }

  @Test
  void should_time_a_correct_ndjson_stream_and_send_id_and_key_headers() throws Exception {
    LlmResult result = call(request(Dialects.byId("ollama"), "ndjson-ok", true, SECRET));
    RequestRecord r = result.record();
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(result.text()).isEqualTo("Hello wörld");
    assertThat(r.outputTokens()).isEqualTo(3);
    assertThat(r.outputTokensSource()).isEqualTo("server");
    assertThat(r.contentChunks()).isEqualTo(3);
    assertThat(r.promptTokens()).isEqualTo(7);
    assertThat(r.queueMs()).isEqualTo(5.0);
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.status()).isEqualTo(200);
    // the stub pauses 20 ms before the first chunk on its event loop's timer, which fired 1.15 ms early once (18.85 ms
    // measured): the bound shows the pause is counted, timing accuracy is the benchmarks' (bench/)
    assertThat(r.ttftMs()).isGreaterThanOrEqualTo(15.0).isLessThan(500.0);
    assertThat(r.chunkGapsMs()).hasSize(2);
    assertThat(r.chunkGapsMs()[0]).isGreaterThanOrEqualTo(9.0);
    assertThat(r.itlMs()).isCloseTo((r.chunkGapsMs()[0] + r.chunkGapsMs()[1]) / 2, within(0.002));
    assertThat(r.e2eMs()).isGreaterThanOrEqualTo(r.ttftMs());
    assertThat(r.tpotMs()).isCloseTo((r.e2eMs() - r.ttftMs()) / 2, within(0.002));
    assertThat(r.clientDelayMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
    assertThat(r.headersMs()).isLessThanOrEqualTo(r.ttftMs());
    assertThat(result.firstTokenEpochMs()).isGreaterThanOrEqualTo(result.sentEpochMs());

    StubLlmServer.Received received = receivedFor(r);
    assertThat(received.path()).isEqualTo("/api/chat");
    assertThat(received.headers().get("Authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(Json.MAPPER.writeValueAsString(r)).doesNotContain(SECRET);
    assertThat(request(Dialects.byId("ollama"), "ndjson-ok", true, SECRET).toString()).doesNotContain(SECRET);
    // the measured first token cannot precede the server's write of it
    long serverFirstChunk = server.chunkNanos.get(String.valueOf(r.id())).get(0);
    assertThat(result.firstTokenEpochMs()).isGreaterThanOrEqualTo(
        io.llmgatling.engine.record.RunClock.epochMillis(serverFirstChunk) - 1);
  }

  @Test
  void should_send_the_key_in_x_api_key_with_the_version_header_to_an_anthropic_server() throws Exception {
    RequestRecord r = call(request(Dialects.byId("anthropic"), "sse-ok", true, SECRET)).record();
    StubLlmServer.Received received = receivedFor(r);
    assertThat(received.path()).isEqualTo("/v1/messages");
    assertThat(received.headers().get("x-api-key")).isEqualTo(SECRET);
    assertThat(received.headers().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(received.headers().get("Authorization")).isNull();
  }

  @Test
  void should_time_a_correct_sse_stream_where_role_and_usage_chunks_are_not_tokens() throws Exception {
    LlmResult result = call(request(Dialects.byId("openai"), "sse-ok", true, null));
    RequestRecord r = result.record();
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(result.text()).isEqualTo("AB");
    assertThat(r.contentChunks()).isEqualTo(2);
    assertThat(r.outputTokens()).isEqualTo(2);
    assertThat(r.ttftMs()).isGreaterThanOrEqualTo(19.0);
    assertThat(r.chunkGapsMs()).hasSize(1);
    assertThat(r.itlMs()).isEqualTo(r.chunkGapsMs()[0]);
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(receivedFor(r).path()).isEqualTo("/v1/chat/completions");
    assertThat(receivedFor(r).headers().get("Authorization")).isNull();
    assertThat(receivedFor(r).body()).contains("\"include_usage\":true");
  }

  @Test
  void should_read_a_non_streamed_answer_with_no_ttft() throws Exception {
    LlmResult result = call(request(Dialects.byId("llamacpp"), "json-ok", false, null));
    RequestRecord r = result.record();
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(result.text()).isEqualTo("whole answer");
    assertThat(r.ttftMs()).isNull();
    assertThat(r.itlMs()).isNull();
    assertThat(r.outputTokens()).isEqualTo(2);
    assertThat(r.e2eMs()).isPositive();
  }

  @Test
  void should_classify_a_refused_connection_as_connect_with_the_url() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT,
        URI.create("http://127.0.0.1:" + port), SECRET, "m", List.of(Message.user("x")), null, null, true, null,
        null, FAST);
    RequestRecord r = call(request).record();
    assertThat(r.ok()).isFalse();
    assertThat(r.cause()).isEqualTo("connect");
    assertThat(r.message()).isEqualTo("cannot connect to http://127.0.0.1:" + port + ": Connection refused");
    assertThat(r.status()).isNull();
    assertThat(r.clientDelayMs()).isNull();
  }

  @Test
  void should_classify_an_unknown_host_as_connect() throws Exception {
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT,
        URI.create("http://no-such-host.invalid:11434"), null, "m", List.of(), null, null, true, null, null, FAST);
    RequestRecord r = call(request).record();
    assertThat(r.cause()).isEqualTo("connect");
    assertThat(r.message()).startsWith("cannot connect to http://no-such-host.invalid:11434: ");
  }

  @Test
  void should_classify_http_errors_with_the_servers_message() throws Exception {
    RequestRecord notFound = call(request(Dialects.byId("ollama"), "http-404", true, null)).record();
    assertThat(notFound.cause()).isEqualTo("http_404");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.message()).contains("HTTP 404").contains("model 'http-404' not found, try pulling it first");

    RequestRecord serverError = call(request(Dialects.byId("openai"), "http-500", true, null)).record();
    assertThat(serverError.cause()).isEqualTo("http_500");
    assertThat(serverError.message()).endsWith(": CUDA out of memory");

    RequestRecord unavailable = call(request(Dialects.byId("openai"), "http-503", true, null)).record();
    assertThat(unavailable.cause()).isEqualTo("http_503");
    assertThat(unavailable.message()).contains("Service Unavailable: loading model");
  }

  @Test
  void should_classify_a_connection_closed_mid_stream_as_stream_dropped() throws Exception {
    LlmResult result = call(request(Dialects.byId("ollama"), "dropped", true, null));
    RequestRecord r = result.record();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.message()).contains("closed after 2 content chunks");
    assertThat(r.contentChunks()).isEqualTo(2);
    assertThat(r.ttftMs()).isNotNull();
    assertThat(result.text()).isEqualTo("ab");
  }

  @Test
  void should_classify_a_response_ended_without_end_marker_as_stream_dropped() throws Exception {
    RequestRecord r = call(request(Dialects.byId("openai"), "no-end-marker", true, null)).record();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.message()).contains("without the stream's end marker");
  }

  @Test
  void should_classify_an_error_object_inside_a_200_stream_as_stream_error() throws Exception {
    RequestRecord ndjson = call(request(Dialects.byId("ollama"), "error-in-stream", true, null)).record();
    assertThat(ndjson.cause()).isEqualTo("stream_error");
    assertThat(ndjson.status()).isEqualTo(200);
    assertThat(ndjson.message()).endsWith("an error was encountered while running the model");

    RequestRecord sse = call(request(Dialects.byId("openai"), "sse-error-event", true, null)).record();
    assertThat(sse.cause()).isEqualTo("stream_error");
    assertThat(sse.message()).endsWith("overloaded");
  }

  @Test
  void should_classify_an_unparseable_chunk_as_malformed() throws Exception {
    RequestRecord r = call(request(Dialects.byId("ollama"), "malformed", true, null)).record();
    assertThat(r.cause()).isEqualTo("malformed");
    assertThat(r.message()).contains("unparseable NDJSON line").contains("oops");
  }

  @Test
  void should_classify_an_oversize_response_as_malformed() throws Exception {
    RequestRecord r = call(request(Dialects.byId("ollama"), "oversize", true, null)).record();
    assertThat(r.cause()).isEqualTo("malformed");
    assertThat(r.message()).contains("exceeds the limit of 4096 bytes");
  }

  @Test
  void should_time_out_waiting_for_the_first_token() throws Exception {
    RequestRecord r = call(request(Dialects.byId("ollama"), "first-token-timeout", true, null)).record();
    assertThat(r.cause()).isEqualTo("timeout");
    assertThat(r.message()).contains("first-token timeout of 300 ms");
    assertThat(r.e2eMs()).isGreaterThanOrEqualTo(299.0).isLessThan(1_500.0);
  }

  @Test
  void should_time_out_on_silence_between_chunks() throws Exception {
    RequestRecord r = call(request(Dialects.byId("ollama"), "idle-timeout", true, null)).record();
    assertThat(r.cause()).isEqualTo("timeout");
    assertThat(r.message()).contains("idle timeout of 300 ms").contains("after 2 content chunks");
  }

  @Test
  void should_time_out_on_the_total_limit() throws Exception {
    Timeouts total = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofMillis(200));
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, server.baseUrl(), null,
        "idle-timeout", List.of(), null, null, true, null, null, total);
    RequestRecord r = call(request).record();
    assertThat(r.cause()).isEqualTo("timeout");
    assertThat(r.message()).contains("total timeout of 200 ms");
  }

  @Test
  void should_time_out_on_a_reused_connection_whose_previous_request_had_longer_limits() throws Exception {
    // the connection's one watchdog timer, still pending for the first request's later deadlines, must be
    // brought forward for the second request's shorter ones
    Timeouts slow = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(60));
    try (LlmClient own = new LlmClient(ClientOptions.defaults())) {
      int before = server.connections.get();
      LlmRequest first = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, server.baseUrl(), null,
          "ndjson-ok", List.of(Message.user("hello")), null, List.of(), true, 16, Map.of(), slow);
      assertThat(call(own, first).record().ok()).isTrue();
      RequestRecord r = call(own, request(Dialects.byId("ollama"), "first-token-timeout", true, null)).record();
      assertThat(server.connections.get() - before).isEqualTo(1);
      assertThat(r.cause()).isEqualTo("timeout");
      assertThat(r.message()).contains("first-token timeout of 300 ms");
      assertThat(r.e2eMs()).isLessThan(1_500.0);
    }
  }

  @Test
  void should_reuse_a_connection_after_success_and_never_after_a_failure() throws Exception {
    try (LlmClient own = new LlmClient(ClientOptions.defaults())) {
      int before = server.connections.get();
      assertThat(call(own, request(Dialects.byId("ollama"), "ndjson-ok", true, null)).record().ok()).isTrue();
      assertThat(call(own, request(Dialects.byId("openai"), "sse-ok", true, null)).record().ok()).isTrue();
      assertThat(call(own, request(Dialects.byId("ollama"), "http-404", true, null)).record().cause()).isEqualTo("http_404");
      assertThat(server.connections.get() - before).as("one kept-alive connection").isEqualTo(1);

      assertThat(call(own, request(Dialects.byId("ollama"), "dropped", true, null)).record().cause()).isEqualTo("stream_dropped");
      assertThat(call(own, request(Dialects.byId("ollama"), "malformed", true, null)).record().cause()).isEqualTo("malformed");
      assertThat(call(own, request(Dialects.byId("ollama"), "ndjson-ok", true, null)).record().ok()).isTrue();
      assertThat(server.connections.get() - before).as("a new connection after each failure").isEqualTo(3);
    }
  }

  @Test
  void should_stream_concurrent_requests_each_on_its_own_connection() throws Exception {
    int n = 20;
    List<CompletableFuture<LlmResult>> results = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<LlmResult> f = new CompletableFuture<>();
      client.send(request(Dialects.byId("ollama"), "ndjson-ok", true, null), System.nanoTime(), f::complete);
      results.add(f);
    }
    for (CompletableFuture<LlmResult> f : results) {
      RequestRecord r = f.get(10, TimeUnit.SECONDS).record();
      assertThat(r.ok()).as(r.message()).isTrue();
      assertThat(r.contentChunks()).isEqualTo(3);
    }
    assertThat(results.stream().map(f -> f.join().record().id()).distinct()).hasSize(n);
  }

  @Test
  void should_run_on_the_callers_nio_or_epoll_event_loops_without_shutting_them_down() throws Exception {
    List<io.netty.channel.IoHandlerFactory> factories = new java.util.ArrayList<>();
    factories.add(io.netty.channel.nio.NioIoHandler.newFactory());
    if (io.netty.channel.epoll.Epoll.isAvailable()) {
      factories.add(io.netty.channel.epoll.EpollIoHandler.newFactory());
    }
    for (io.netty.channel.IoHandlerFactory factory : factories) {
      var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, factory);
      try {
        try (LlmClient own = new LlmClient(ClientOptions.defaults().withEventLoopGroup(group))) {
          RequestRecord r = call(own, request(Dialects.byId("openai"), "sse-ok", true, null)).record();
          assertThat(r.ok()).as(r.message()).isTrue();
        }
        assertThat(group.isShuttingDown()).isFalse();
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }
}
