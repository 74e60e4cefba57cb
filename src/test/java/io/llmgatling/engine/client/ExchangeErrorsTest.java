package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.record.RequestRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The error classifications of an exchange that {@link LlmClientTest} (HTTP-level scripts) and FaultMatrixIT (the
 * simulator's faults) do not reach, each against a server scripted at the byte level: what it writes, when it
 * closes. Every case runs on a fresh client, so on a fresh connection (a reused one closed before any response
 * byte is another case).
 */
class ExchangeErrorsTest {
  private static final Timeouts LIMITS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(5), Duration.ofSeconds(10));

  /** What the raw server does once it has read a request (or, for {@code null} reading, right after accept). */
  private interface Answer {
    void on(Socket socket, OutputStream out) throws IOException;
  }

  @Test
  void should_classify_a_response_that_is_not_http_as_malformed() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, "hello", true,
        (socket, out) -> out.write("SSH-2.0-OpenSSH_9.6\r\nnot an HTTP answer\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

    assertThat(result.record().cause()).isEqualTo("malformed");
    assertThat(result.record().message()).startsWith("invalid HTTP response from " + result.url());
  }

  @Test
  void should_classify_an_unparseable_sse_chunk_as_malformed() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("openai"), true, "hello", true, (socket, out) -> chunked(out,
        "text/event-stream", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n",
        "data: {\"choices\": oops}\n\n"));

    assertThat(result.record().cause()).isEqualTo("malformed");
    assertThat(result.record().message()).startsWith("unparseable SSE data '{\"choices\": oops}'");
    assertThat(result.record().status()).isEqualTo(200);
  }

  @Test
  void should_classify_an_error_object_in_a_non_streamed_200_body_as_stream_error() throws Exception {
    RawServer.Result ollama = exchange(Dialects.byId("ollama"), false, "hello", true, (socket, out) -> full(out, 200,
        "{\"error\":\"llama runner process has terminated: exit status 2\"}"));
    assertThat(ollama.record().cause()).isEqualTo("stream_error");
    assertThat(ollama.record().status()).isEqualTo(200);
    assertThat(ollama.record().message()).isEqualTo("error in the answer from " + ollama.url()
        + ": llama runner process has terminated: exit status 2");

    RawServer.Result openAi = exchange(Dialects.byId("openai"), false, "hello", true, (socket, out) -> full(out, 200,
        "{\"error\":{\"message\":\"context overflow\",\"type\":\"server_error\"}}"));
    assertThat(openAi.record().cause()).isEqualTo("stream_error");
    assertThat(openAi.record().message()).endsWith(": context overflow");
  }

  @Test
  void should_classify_a_connection_reset_while_the_request_is_written_as_stream_dropped() throws Exception {
    // 8 MB of prompt cannot fit in the socket buffers: once the request has begun to arrive (its head is read),
    // the server resets the connection with most of the body still unread
    String hugePrompt = "x".repeat(8 << 20);
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, hugePrompt, false, (socket, out) -> {
      RawServer.readHead(socket.getInputStream());
      socket.setSoLinger(true, 0); // close with RST
      socket.close();
    });

    assertThat(result.record().cause()).as(result.record().message()).isEqualTo("stream_dropped");
    assertThat(result.record().message()).startsWith("connection to " + result.url())
        .containsAnyOf("failed while sending the request", "closed before the request was sent");
    assertThat(result.record().status()).isNull();
    assertThat(result.record().ttftMs()).isNull();
  }

  @Test
  void should_classify_a_fresh_connection_closed_before_the_headers_as_stream_dropped() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, "hello", true, (socket, out) -> socket.close());

    assertThat(result.record().cause()).isEqualTo("stream_dropped");
    assertThat(result.record().message()).isEqualTo("connection to " + result.url()
        + " closed before the response headers");
    assertThat(result.record().status()).isNull();
    assertThat(result.record().headersMs()).isNull();
  }

  @Test
  void should_classify_a_connection_closed_mid_error_body_as_the_http_status() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, "hello", true, (socket, out) -> {
      out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
          + "{\"error\":\"out of mem").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.close();
    });

    assertThat(result.record().cause()).isEqualTo("http_500");
    assertThat(result.record().status()).isEqualTo(500);
    assertThat(result.record().message()).isEqualTo("HTTP 500 from " + result.url() + ", connection closed mid-body");
  }

  @Test
  void should_classify_an_unparseable_ndjson_chunk_as_malformed() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, "hello", true, (socket, out) -> chunked(out,
        "application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n",
        "{\"message\": oops}\n"));

    assertThat(result.record().cause()).isEqualTo("malformed");
    assertThat(result.record().message()).startsWith("unparseable NDJSON line '{\"message\": oops}'");
    assertThat(result.record().status()).isEqualTo(200);
    assertThat(result.record().contentChunks()).isEqualTo(1);
  }

  @Test
  void should_classify_an_unparseable_non_streamed_body_as_malformed() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("openai"), false, "hello", true,
        (socket, out) -> full(out, 200, "<html>502 Bad Gateway</html>"));

    assertThat(result.record().cause()).isEqualTo("malformed");
    assertThat(result.record().message()).startsWith("unparseable response body '<html>502 Bad Gateway</html>'");
    assertThat(result.record().status()).isEqualTo(200);
  }

  @Test
  void should_classify_a_connection_closed_mid_stream_as_stream_dropped_with_its_tokens() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("openai"), true, "hello", true, (socket, out) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
          .getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(event);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.close();
    });

    assertThat(result.record().cause()).isEqualTo("stream_dropped");
    assertThat(result.record().message()).isEqualTo("connection to " + result.url()
        + " closed after 1 content chunks, before the stream's end");
    assertThat(result.record().status()).isEqualTo(200);
    assertThat(result.record().ttftMs()).isNotNull();
  }

  @Test
  void should_quote_an_http_error_body_that_is_not_json() throws Exception {
    RawServer.Result result = exchange(Dialects.byId("ollama"), true, "hello", true,
        (socket, out) -> full(out, 502, "upstream\nunavailable"));

    assertThat(result.record().cause()).isEqualTo("http_502");
    assertThat(result.record().message()).isEqualTo("HTTP 502 from " + result.url() + ": 'upstream\\nunavailable'");
  }

  // ---- the scripted server ----

  private static RawServer.Result exchange(Dialect api, boolean stream, String prompt, boolean readRequest,
      Answer answer) throws Exception {
    try (RawServer server = new RawServer(readRequest, answer);
         LlmClient client = new LlmClient(ClientOptions.defaults())) {
      LlmRequest request = new LlmRequest("chat", api, Operation.CHAT, server.baseUrl(), null, "m",
          List.of(Message.user(prompt)), null, List.of(), stream, 16, Map.of(), LIMITS);
      CompletableFuture<RequestRecord> done = new CompletableFuture<>();
      client.send(request, System.nanoTime(), r -> done.complete(r.record()));
      RequestRecord record = done.get(20, TimeUnit.SECONDS);
      assertThat(record.ok()).as(record.toString()).isFalse();
      String path = api == Dialects.byId("ollama") ? "/api/chat" : "/v1/chat/completions";
      return new RawServer.Result(record, server.baseUrl() + path);
    }
  }

  private static void full(OutputStream out, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static void chunked(OutputStream out, String contentType, String... chunks) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    for (String chunk : chunks) {
      byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One connection at a time, on a thread: reads a request (head and Content-Length body), then answers. */
  private static final class RawServer implements AutoCloseable {
    record Result(RequestRecord record, String url) {
    }

    private final ServerSocket socket;
    private final Thread thread;

    RawServer(boolean readRequest, Answer answer) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> serve(readRequest, answer), "raw-server");
      thread.setDaemon(true);
      thread.start();
    }

    URI baseUrl() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void serve(boolean readRequest, Answer answer) {
      while (!socket.isClosed()) {
        try (Socket connection = socket.accept()) {
          if (readRequest) {
            readRequest(connection.getInputStream());
          }
          answer.on(connection, connection.getOutputStream());
        } catch (IOException e) {
          // closed by the test, or the client went away: nothing to answer
        }
      }
    }

    private static void readRequest(InputStream in) throws IOException {
      long length = 0;
      for (String line : readHead(in).split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).trim());
        }
      }
      in.skipNBytes(length);
    }

    /** Reads up to the blank line ending the request's head; returns the head. */
    static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      return head.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
