package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's HTTP keep-alive limits, read off the wire with a raw socket. */
class SimulatorKeepAliveIT {
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private LlmSimulator start(SimulatorConfig.Builder config) {
    sim = LlmSimulator.start(config.port(0).build());
    return sim;
  }

  /** One client connection speaking HTTP/1.1 by hand. */
  private static final class Connection implements AutoCloseable {
    final Socket socket;
    final EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder());

    Connection(LlmSimulator sim) throws IOException {
      socket = new Socket("127.0.0.1", sim.port());
      socket.setSoTimeout(10_000);
    }

    /** Sends GET path and returns the response headers once the whole answer is read. */
    HttpHeaders get(String path) throws IOException {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return readAnswer();
    }

    /** Sends a streamed Ollama generate and returns the headers once the whole stream is read. */
    HttpHeaders generate(String model, int tokens) throws IOException {
      byte[] body = ("{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"options\":{\"num_predict\":" + tokens + "}}")
          .getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      return readAnswer();
    }

    private HttpHeaders readAnswer() throws IOException {
      HttpHeaders headers = null;
      byte[] buf = new byte[8192];
      while (true) {
        int n = socket.getInputStream().read(buf);
        assertThat(n).as("bytes before the end of the answer").isPositive();
        decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        Object msg;
        while ((msg = decoder.readInbound()) != null) {
          if (msg instanceof HttpResponse head) {
            headers = head.headers();
          }
          boolean last = msg instanceof LastHttpContent;
          if (msg instanceof HttpContent content) {
            content.release();
          }
          if (last) {
            return headers;
          }
        }
      }
    }

    /** Blocks until the server closes the connection; returns the ms from {@code startNanos} to then. */
    long msUntilClosedByServer(long startNanos) throws IOException {
      int n;
      try {
        n = socket.getInputStream().read();
      } catch (java.net.SocketException reset) {
        n = -1;
      }
      assertThat(n).as("end of stream").isEqualTo(-1);
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public void close() throws IOException {
      socket.close();
      decoder.finishAndReleaseAll();
    }
  }

  @Test
  void should_announce_llama_servers_keep_alive_limits_with_the_llamacpp_profile() throws Exception {
    start(SimulatorConfig.forProfile("llamacpp").toBuilder());
    try (Connection c = new Connection(sim)) {
      assertThat(c.get("/health").get("Keep-Alive")).isEqualTo("timeout=5, max=100");
    }
  }

  @Test
  void should_announce_nodes_keep_alive_timeout_with_the_lmstudio_profile() throws Exception {
    start(SimulatorConfig.forProfile("lmstudio").toBuilder());
    try (Connection c = new Connection(sim)) {
      assertThat(c.get("/v1/models").get("Keep-Alive")).isEqualTo("timeout=5");
    }
  }

  @Test
  void should_announce_no_keep_alive_limit_with_the_ollama_profile() throws Exception {
    start(SimulatorConfig.forProfile("ollama").toBuilder());
    try (Connection c = new Connection(sim)) {
      HttpHeaders headers = c.get("/api/version");
      assertThat(headers.get("Keep-Alive")).isNull();
      assertThat(headers.get("Connection")).isNull();
    }
  }

  @Test
  void should_close_a_connection_left_idle_for_the_keep_alive_timeout() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().keepAliveTimeoutMs(300));
    try (Connection c = new Connection(sim)) {
      c.get("/api/version");
      long sent = System.nanoTime(); // the idle clock starts after the answer, so after this
      assertThat(c.get("/api/version").get("Keep-Alive")).as("whole seconds, rounded down").isEqualTo("timeout=0");
      assertThat(c.msUntilClosedByServer(sent)).isBetween(300L, 5_000L);
    }
  }

  @Test
  void should_not_close_a_connection_whose_answer_takes_longer_than_the_timeout() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().keepAliveTimeoutMs(150).preloadModels(true).jitter(0)
        .rates(3000, 20, 0));
    try (Connection c = new Connection(sim)) {
      c.generate("llama3.2:3b", 8); // 8 tokens at 20 tok/s: 400 ms of stream
      c.generate("llama3.2:3b", 2);
      assertThat(sim.truth()).hasSize(2);
    }
  }

  @Test
  void should_say_connection_close_on_the_max_th_answer_and_close() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().keepAliveMax(3).preloadModels(true));
    try (Connection c = new Connection(sim)) {
      assertThat(c.get("/api/version").get("Keep-Alive")).isEqualTo("max=3");
      assertThat(c.generate("llama3.2:3b", 2).get("Connection")).isNull();
      assertThat(c.get("/api/tags").get("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.msUntilClosedByServer(System.nanoTime())).isLessThan(3_000L);
    }
  }

  @Test
  void should_close_idle_connections_silently_without_the_header() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().keepAliveTimeoutMs(200).keepAliveHeader(false));
    try (Connection c = new Connection(sim)) {
      long sent = System.nanoTime();
      assertThat(c.get("/api/version").get("Keep-Alive")).isNull();
      assertThat(c.msUntilClosedByServer(sent)).isBetween(200L, 5_000L);
    }
  }
}
