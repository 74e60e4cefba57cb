package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each wire format's decoder fed bytes by hand, with the real APIs' chunk readers and a recording listener. */
class ResponseDecoderTest {
  private static final String OPENAI_CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}";

  /** What the exchange would be told: per chunk, whether it carried a token; malformed messages; bodies read. */
  private static final class Recorder implements ResponseDecoder.Listener {
    final ResponseAccumulator acc = new ResponseAccumulator();
    final List<Boolean> chunks = new ArrayList<>();
    final List<String> malformed = new ArrayList<>();
    int bodies;
    boolean stopped;

    @Override
    public void onChunk(int contentChunksBefore) {
      chunks.add(acc.contentChunks() > contentChunksBefore);
    }

    @Override
    public void onBody() {
      bodies++;
    }

    @Override
    public void onMalformed(String message) {
      malformed.add(message);
      stopped = true;
    }

    @Override
    public boolean stopped() {
      return stopped;
    }
  }

  private static ResponseDecoder decoder(WireFormat format, Dialect api, boolean stream, Recorder recorder) {
    LlmRequest request = new LlmRequest("chat", api, Operation.CHAT, URI.create("http://127.0.0.1:1"), null, "m",
        List.of(Message.user("hi")), null, List.of(), stream, 16, Map.of(), Timeouts.DEFAULT);
    return ResponseDecoder.of(format, new AnswerReader(api, request), recorder.acc, recorder);
  }

  /** Feeds the text in pieces of {@code piece} bytes, so lines and characters are split anywhere. */
  private static void feed(ResponseDecoder decoder, String text, int piece) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += piece) {
      decoder.feed(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
    }
  }

  @Test
  void should_read_an_sse_stream_split_anywhere_into_tokens_and_its_end() {
    Recorder recorder = new Recorder();
    ResponseDecoder sse = decoder(WireFormat.SSE, Dialects.byId("openai"), true, recorder);

    feed(sse, "data: " + OPENAI_CHUNK.formatted("Hé", "null") + "\n\n"
        + ": keep-alive\n\n"
        + "data: " + OPENAI_CHUNK.formatted("llo", "null") + "\r\n\r\n"
        + "data: " + OPENAI_CHUNK.formatted("", "\"stop\"") + "\n\n"
        + "data: [DONE]\n\n", 3);
    sse.finish();
    sse.close();

    assertThat(recorder.acc.text()).isEqualTo("Héllo");
    assertThat(recorder.chunks).containsExactly(true, true, false, false);
    assertThat(recorder.acc.ended()).isTrue();
    assertThat(recorder.acc.finishReason()).isEqualTo("stop");
    assertThat(recorder.malformed).isEmpty();
    assertThat(sse.endMarker()).isEqualTo("[DONE] or a finish_reason");
  }

  @Test
  void should_report_unparseable_sse_data_as_malformed_with_the_data_quoted() {
    Recorder recorder = new Recorder();
    ResponseDecoder sse = decoder(WireFormat.SSE, Dialects.byId("openai"), true, recorder);

    feed(sse, "data: {\"choices\": oops}\n\n", 64);

    assertThat(recorder.malformed).singleElement().asString().startsWith("unparseable SSE data '{\"choices\": oops}': ");
  }

  @Test
  void should_report_sse_data_that_is_not_an_object_as_malformed() {
    Recorder recorder = new Recorder();
    ResponseDecoder sse = decoder(WireFormat.SSE, Dialects.byId("openai"), true, recorder);

    feed(sse, "data: [1,2]\n\n", 64);

    assertThat(recorder.malformed).containsExactly("SSE data is not a JSON object: '[1,2]'");
  }

  @Test
  void should_read_an_sse_error_event_as_a_stream_error_even_when_its_data_is_not_json() {
    Recorder recorder = new Recorder();
    ResponseDecoder sse = decoder(WireFormat.SSE, Dialects.byId("openai"), true, recorder);

    feed(sse, "event: error\ndata: overloaded\n\n", 64);

    assertThat(recorder.malformed).isEmpty();
    assertThat(recorder.acc.streamError()).isEqualTo("overloaded");
    assertThat(recorder.chunks).containsExactly(false);
  }

  @Test
  void should_read_nothing_more_once_the_exchange_stopped() {
    Recorder recorder = new Recorder();
    ResponseDecoder sse = decoder(WireFormat.SSE, Dialects.byId("openai"), true, recorder);
    recorder.stopped = true;

    feed(sse, "data: " + OPENAI_CHUNK.formatted("a", "null") + "\n\n", 64);

    assertThat(recorder.chunks).isEmpty();
    assertThat(recorder.acc.text()).isEmpty();
  }

  @Test
  void should_read_an_ndjson_stream_and_a_last_line_without_newline() {
    Recorder recorder = new Recorder();
    ResponseDecoder ndjson = decoder(WireFormat.NDJSON, Dialects.byId("ollama"), true, recorder);

    feed(ndjson, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n"
        + "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"b\"},\"done\":false}\r\n"
        + "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\","
        + "\"done\":true,\"eval_count\":2}", 5);
    assertThat(recorder.acc.ended()).as("the last line has no newline yet").isFalse();
    ndjson.finish();
    ndjson.close();

    assertThat(recorder.acc.text()).isEqualTo("ab");
    assertThat(recorder.chunks).containsExactly(true, true, false);
    assertThat(recorder.acc.ended()).isTrue();
    assertThat(recorder.acc.serverOutputTokens()).isEqualTo(2);
    assertThat(ndjson.endMarker()).isEqualTo("\"done\": true");
  }

  @Test
  void should_report_an_unparseable_ndjson_line_as_malformed() {
    Recorder recorder = new Recorder();
    ResponseDecoder ndjson = decoder(WireFormat.NDJSON, Dialects.byId("ollama"), true, recorder);

    feed(ndjson, "{\"message\": oops}\n", 64);

    assertThat(recorder.malformed).singleElement().asString().startsWith("unparseable NDJSON line '{\"message\": oops}': ");
  }

  @Test
  void should_report_an_ndjson_line_that_is_not_an_object_as_malformed() {
    Recorder recorder = new Recorder();
    ResponseDecoder ndjson = decoder(WireFormat.NDJSON, Dialects.byId("ollama"), true, recorder);

    feed(ndjson, "42\n", 64);

    assertThat(recorder.malformed).containsExactly("stream chunk is not a JSON object: '42'");
  }

  @Test
  void should_read_a_whole_json_body_only_when_it_has_ended_and_stamp_no_token() {
    Recorder recorder = new Recorder();
    ResponseDecoder json = decoder(WireFormat.JSON, Dialects.byId("ollama"), false, recorder);

    feed(json, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},\"done\":true,"
        + "\"done_reason\":\"stop\",\"eval_count\":3}", 7);
    assertThat(recorder.bodies).isZero();
    json.finish();

    assertThat(recorder.bodies).isEqualTo(1);
    assertThat(recorder.chunks).isEmpty();
    assertThat(recorder.acc.text()).isEqualTo("whole");
    assertThat(recorder.acc.ended()).isTrue();
  }

  @Test
  void should_report_an_unparseable_or_non_object_json_body_as_malformed() {
    Recorder broken = new Recorder();
    ResponseDecoder json = decoder(WireFormat.JSON, Dialects.byId("ollama"), false, broken);
    feed(json, "<html>bad gateway</html>", 64);
    json.finish();
    assertThat(broken.malformed).singleElement().asString()
        .startsWith("unparseable response body '<html>bad gateway</html>': ");
    assertThat(broken.bodies).isZero();

    Recorder array = new Recorder();
    ResponseDecoder arrayBody = decoder(WireFormat.JSON, Dialects.byId("ollama"), false, array);
    feed(arrayBody, "[1]", 64);
    arrayBody.finish();
    assertThat(array.malformed).containsExactly("response body is not a JSON object: '[1]'");
  }

  @Test
  void should_pick_the_framing_from_the_content_type_else_the_apis() {
    assertThat(ResponseDecoder.formatFor("text/event-stream; charset=utf-8", WireFormat.NDJSON)).isEqualTo(WireFormat.SSE);
    assertThat(ResponseDecoder.formatFor("application/x-ndjson", WireFormat.SSE)).isEqualTo(WireFormat.NDJSON);
    assertThat(ResponseDecoder.formatFor("Application/JSON", WireFormat.SSE)).isEqualTo(WireFormat.SSE);
    assertThat(ResponseDecoder.formatFor(null, WireFormat.JSON)).isEqualTo(WireFormat.JSON);
  }
}
