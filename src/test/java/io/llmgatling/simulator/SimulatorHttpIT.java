package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP against the parts no official client covers: LM Studio's /api/v0, llama-server, faults. */
class SimulatorHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private void start(SimulatorConfig.Builder b) {
    sim = LlmSimulator.start(b.port(0).loadTimeMs(10).rates(100_000, 2000, 0.05).build());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> sseEvents(String body) throws Exception {
    List<String> data = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> events = new java.util.ArrayList<>();
    for (String d : data.subList(0, data.size() - 1)) {
      events.add(JSON.readTree(d));
    }
    return events;
  }

  @Test
  void should_list_lm_studio_models_with_type_state_and_context() throws Exception {
    start(SimulatorConfig.forProfile("lmstudio").toBuilder());
    JsonNode models = JSON.readTree(get("/api/v0/models").body());
    assertThat(models.path("object").asText()).isEqualTo("list");
    JsonNode first = models.path("data").get(0);
    assertThat(first.path("id").asText()).isEqualTo("llama-3.2-3b-instruct");
    assertThat(first.path("type").asText()).isEqualTo("llm");
    assertThat(first.path("state").asText()).isEqualTo("not-loaded");
    assertThat(first.path("max_context_length").asInt()).isEqualTo(131_072);
    assertThat(models.path("data").get(2).path("type").asText()).isEqualTo("embeddings");
    assertThat(JSON.readTree(get("/api/v0/models/qwen2.5-7b-instruct").body()).path("arch").asText())
        .isEqualTo("qwen2");
  }

  @Test
  void should_add_lm_studio_stats_model_info_and_runtime_to_api_v0_answers() throws Exception {
    start(SimulatorConfig.forProfile("lmstudio").toBuilder());
    JsonNode body = JSON.readTree(post("/api/v0/chat/completions",
        "{\"model\":\"qwen2.5-7b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
            + "\"max_tokens\":5}").body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    JsonNode stats = body.path("stats");
    assertThat(stats.path("tokens_per_second").asDouble()).isPositive();
    assertThat(stats.path("time_to_first_token").asDouble()).isPositive().isLessThan(5);
    assertThat(stats.path("generation_time").asDouble()).isPositive().isLessThan(5);
    assertThat(stats.path("stop_reason").asText()).isEqualTo("maxPredictedTokensReached");
    assertThat(body.at("/model_info/arch").asText()).isEqualTo("qwen2");
    assertThat(body.at("/model_info/context_length").asInt()).isEqualTo(32_768);
    assertThat(body.at("/runtime/supported_formats/0").asText()).isEqualTo("gguf");
    assertThat(JSON.readTree(get("/api/v0/models/qwen2.5-7b-instruct").body()).path("state").asText())
        .isEqualTo("loaded");

    List<JsonNode> events = sseEvents(post("/api/v0/completions",
        "{\"model\":\"qwen2.5-7b-instruct\",\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":true}").body());
    assertThat(events).hasSize(4);
    assertThat(events.get(3).path("stats").path("stop_reason").asText()).isEqualTo("maxPredictedTokensReached");

    JsonNode embedding = JSON.readTree(post("/api/v0/embeddings",
        "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":\"some text\"}").body());
    assertThat(embedding.at("/data/0/embedding").size()).isEqualTo(768);
  }

  @Test
  void should_add_llama_server_timings_to_the_last_chunk_and_to_a_whole_answer() throws Exception {
    start(SimulatorConfig.forProfile("llamacpp").toBuilder());
    List<JsonNode> events = sseEvents(post("/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(80) + "\"}],\"max_tokens\":4,"
            + "\"stream\":true}").body());
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    JsonNode timings = last.path("timings");
    assertThat(timings.path("prompt_n").asInt()).isEqualTo(20);
    assertThat(timings.path("predicted_n").asInt()).isEqualTo(4);
    assertThat(timings.path("prompt_ms").asDouble()).isPositive();
    assertThat(timings.path("predicted_ms").asDouble()).isPositive();
    assertThat(timings.path("predicted_per_second").asDouble()).isPositive();
    assertThat(events.get(0).has("timings")).isFalse();

    JsonNode whole = JSON.readTree(post("/v1/completions",
        "{\"model\":\"anything\",\"prompt\":\"hi\",\"max_tokens\":2}").body());
    assertThat(whole.path("timings").path("predicted_n").asInt()).isEqualTo(2);
    assertThat(whole.path("model").asText()).isEqualTo("anything");

    HttpResponse<String> tooLong = post("/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "z".repeat(4 * 33_000) + "\"}]}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).at("/error/type").asText()).isEqualTo("exceed_context_size_error");
  }

  @Test
  void should_honour_ollama_options_and_report_context_overflow() throws Exception {
    start(SimulatorConfig.defaults().toBuilder());
    String ask = "{\"model\":\"llama3.2:3b\",\"prompt\":\"same\",\"stream\":false,\"options\":{\"seed\":7,"
        + "\"num_predict\":6}}";
    JsonNode a = JSON.readTree(post("/api/generate", ask).body());
    JsonNode b = JSON.readTree(post("/api/generate", ask).body());
    assertThat(a.path("response").asText()).isEqualTo(b.path("response").asText());
    assertThat(a.path("eval_count").asInt()).isEqualTo(6);

    // a prompt over num_ctx is cut to it, not refused, as Ollama does; the answer is not capped by the
    // context either (Ollama shifts it), only by num_predict
    JsonNode truncated = JSON.readTree(post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\""
        + "w".repeat(400) + "\",\"stream\":false,\"options\":{\"num_ctx\":50,\"num_predict\":60}}").body());
    assertThat(truncated.path("prompt_eval_count").asInt()).isEqualTo(50);
    assertThat(truncated.path("eval_count").asInt()).isBetween(1, 60); // a full window leaves no room otherwise
    // embeddings: cut by default too, refused with "truncate": false
    String longInput = "\"input\":\"" + "w".repeat(400) + "\",\"options\":{\"num_ctx\":50}";
    JsonNode cut = JSON.readTree(post("/api/embed", "{\"model\":\"nomic-embed-text\"," + longInput + "}").body());
    assertThat(cut.path("prompt_eval_count").asInt()).isEqualTo(50);
    HttpResponse<String> refused = post("/api/embed",
        "{\"model\":\"nomic-embed-text\",\"truncate\":false," + longInput + "}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("{\"error\":\"the input length exceeds the context length\"}");

    JsonNode load = JSON.readTree(post("/api/chat", "{\"model\":\"qwen2.5:7b\",\"messages\":[],\"keep_alive\":0}")
        .body().lines().reduce((x, y) -> y).orElseThrow());
    assertThat(load.path("done_reason").asText()).isEqualTo("load");
    assertThat(JSON.readTree(get("/api/ps").body()).path("models").findValuesAsText("name"))
        .doesNotContain("qwen2.5:7b");
    assertThat(post("/api/chat", "{\"model\":\"nomic-embed-text\",\"messages\":[]}").body())
        .contains("does not support chat");
  }

  @Test
  void should_encode_openai_embeddings_as_little_endian_float32_base64() throws Exception {
    start(SimulatorConfig.defaults().toBuilder());
    JsonNode floats = JSON.readTree(post("/v1/embeddings",
        "{\"model\":\"nomic-embed-text\",\"input\":\"abc\",\"encoding_format\":\"float\"}").body());
    JsonNode base64 = JSON.readTree(post("/v1/embeddings",
        "{\"model\":\"nomic-embed-text\",\"input\":\"abc\",\"encoding_format\":\"base64\"}").body());
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.at("/data/0/embedding").asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.remaining()).isEqualTo(768 * 4);
    assertThat(bytes.getFloat(0)).isEqualTo(floats.at("/data/0/embedding/0").floatValue());
    assertThat(bytes.getFloat(767 * 4)).isEqualTo(floats.at("/data/0/embedding/767").floatValue());
  }

  @Test
  void should_inject_each_fault_and_say_so_in_the_truth() throws Exception {
    String chat = "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"options\":{\"num_predict\":6}}";
    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(1, 0, 0, 0, 0, 0, 0, 0, 0)));
    assertThat(post("/api/chat", chat).statusCode()).isEqualTo(500);
    assertThat(sim.truth().get(0).fault()).isEqualTo(Faults.ERROR);
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0)));
    HttpResponse<String> busy = post("/v1/chat/completions",
        "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(busy.body()).at("/error/message").asText()).contains("server busy");
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 0, 0, 0, 0, 0, 0, 1, 0)));
    List<String> lines = post("/api/chat", chat).body().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(JSON.readTree(lines.get(3)).has("error")).isTrue();
    assertThat(sim.truth().get(0).fault()).isEqualTo(Faults.ERROR_LINE);
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 0, 0, 0, 0, 0, 0, 0, 1)));
    List<String> malformed = post("/api/chat", chat).body().lines().toList();
    assertThat(malformed).hasSize(8);
    assertThat(malformed.get(3)).doesNotEndWith("}");
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 0, 0, 0, 1, 300, 0, 0, 0)));
    long t0 = System.nanoTime();
    assertThat(post("/api/chat", chat).body().lines()).hasSize(7);
    assertThat(System.nanoTime() - t0).isGreaterThan(300_000_000L);
    RequestTruth stalled = sim.truth().get(0);
    assertThat(stalled.fault()).isEqualTo(Faults.STALL);
    assertThat(stalled.tokenNanos()[3] - stalled.tokenNanos()[2]).isGreaterThan(250_000_000L);
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 0, 1, 200, 0, 0, 0, 0, 0)));
    long t1 = System.nanoTime();
    post("/api/chat", chat);
    assertThat(sim.truth().get(0).slotAcquiredNanos() - sim.truth().get(0).arrivalNanos())
        .isGreaterThanOrEqualTo(200_000_000L);
    assertThat(System.nanoTime() - t1).isGreaterThan(200_000_000L);
    sim.close();

    start(SimulatorConfig.defaults().toBuilder().faults(new Faults(0, 0, 0, 0, 0, 0, 1, 0, 0)));
    HttpRequest req = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/chat"))
        .POST(HttpRequest.BodyPublishers.ofString(chat)).build();
    try {
      http.send(req, HttpResponse.BodyHandlers.ofString());
      org.assertj.core.api.Assertions.fail("the stream should have been cut");
    } catch (java.io.IOException expected) {
      // the connection was closed mid-stream
    }
    Thread.sleep(50);
    assertThat(sim.truth().get(0).fault()).isEqualTo(Faults.DISCONNECT);
    assertThat(sim.truth().get(0).outputTokens()).isEqualTo(3);
  }

  /**
   * Stream tokens are written pre-framed, past Netty's HTTP encoder: a strict decoder must see one chunk per
   * token whose size line is right, the terminating chunk, and a second streamed answer on the same
   * keep-alive connection (the encoder's state reset by that terminating chunk).
   */
  @Test
  void should_frame_each_streamed_token_as_one_chunk_and_keep_the_connection_usable() throws Exception {
    start(SimulatorConfig.defaults().toBuilder().preloadModels(true));
    try (Socket socket = new Socket("127.0.0.1", sim.port())) {
      socket.setSoTimeout(10_000);
      EmbeddedChannel decoder =
          new EmbeddedChannel(new HttpResponseDecoder());
      String[] requests = {
          "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\",\"options\":{\"num_predict\":5}}",
          "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\",\"stream\":true,\"max_tokens\":4}"};
      String[] paths = {"/api/generate", "/v1/completions"};
      for (int r = 0; r < 2; r++) {
        byte[] body = requests[r].getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST " + paths[r] + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        List<String> chunks = new ArrayList<>();
        boolean last = false;
        byte[] buf = new byte[8192];
        while (!last) {
          int n = socket.getInputStream().read(buf);
          assertThat(n).as("bytes before the end of answer %d", r).isPositive();
          decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
          Object msg;
          while ((msg = decoder.readInbound()) != null) {
            if (msg instanceof io.netty.handler.codec.http.HttpResponse head) {
              assertThat(head.decoderResult().isSuccess()).isTrue();
              assertThat(head.status().code()).isEqualTo(200);
              assertThat(HttpUtil.isTransferEncodingChunked(head)).isTrue();
            }
            if (msg instanceof HttpContent content) {
              assertThat(content.decoderResult().isSuccess()).isTrue();
              if (content.content().isReadable()) {
                chunks.add(content.content().toString(StandardCharsets.UTF_8));
              }
              last = msg instanceof LastHttpContent;
              content.release();
            }
          }
        }
        if (r == 0) {
          assertThat(chunks).hasSize(6); // 5 tokens and the final object, each one NDJSON line
          for (String c : chunks) {
            assertThat(c).endsWith("}\n").containsOnlyOnce("\n");
            JSON.readTree(c);
          }
          assertThat(JSON.readTree(chunks.get(5)).get("eval_count").asInt()).isEqualTo(5);
        } else {
          assertThat(chunks.get(chunks.size() - 1)).isEqualTo("data: [DONE]\n\n");
          List<JsonNode> events = sseEvents(String.join("", chunks));
          assertThat(events).hasSize(5); // 4 tokens and the final event
          assertThat(chunks.subList(0, 4)).allSatisfy(c -> assertThat(c).startsWith("data: {").endsWith("}\n\n"));
        }
      }
      decoder.finishAndReleaseAll();
    }
  }
}
