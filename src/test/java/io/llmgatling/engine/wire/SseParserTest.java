package io.llmgatling.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final List<SseEvent> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add);

  @Test
  void should_parse_events_whatever_the_chunk_size_even_mid_utf8_character() {
    String stream = ": keep-alive\n\n"
        + "data: {\"choices\":[{\"delta\":{\"content\":\"héllo\"}}]}\n\n"
        + "data: {\"choices\":[{\"delta\":{\"content\":\" 世界 🎉\"}}]}\r\n\r\n"
        + "data: [DONE]\n\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int chunkSize = 1; chunkSize <= bytes.length; chunkSize++) {
      List<SseEvent> seen = new ArrayList<>();
      SseParser fresh = new SseParser(seen::add);
      for (int offset = 0; offset < bytes.length; offset += chunkSize) {
        fresh.feed(bytes, offset, Math.min(chunkSize, bytes.length - offset));
      }
      assertThat(seen).as("chunk size %d", chunkSize).hasSize(3);
      assertThat(seen.get(0).data()).contains("héllo");
      assertThat(seen.get(1).data()).contains(" 世界 🎉");
      assertThat(seen.get(2).isDone()).isTrue();
    }
  }

  @Test
  void should_join_multi_line_data_with_newlines() {
    feed("data: {\"a\":\ndata:  1}\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly("{\"a\":\n 1}");
  }

  @Test
  void should_read_event_and_id_fields_and_default_the_type_to_message() {
    feed("event: error\nid: 7\ndata: {\"error\":{\"message\":\"boom\"}}\n\ndata: x\n\n");
    assertThat(events.get(0)).isEqualTo(new SseEvent("error", "{\"error\":{\"message\":\"boom\"}}", "7"));
    assertThat(events.get(1)).isEqualTo(new SseEvent("message", "x", "7"));
  }

  @Test
  void should_ignore_comments_and_events_without_data() {
    feed(": ping\n\nevent: ping\n\n:another\ndata: y\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly("y");
  }

  @Test
  void should_accept_lone_cr_line_ends_and_a_crlf_split_across_chunks() {
    feed("data: a\r\r");
    feed("data: b\r");
    feed("\n\r");
    feed("\n");
    assertThat(events).extracting(SseEvent::data).containsExactly("a", "b");
  }

  @Test
  void should_strip_a_leading_byte_order_mark() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    parser.feed(bom, 0, 3);
    feed("data: z\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly("z");
  }

  @Test
  void should_discard_an_event_not_terminated_by_a_blank_line() {
    feed("data: complete\n\ndata: partial\n");
    parser.finish();
    assertThat(events).extracting(SseEvent::data).containsExactly("complete");
  }

  @Test
  void should_read_netty_buffers_without_moving_their_reader_index() {
    var buf = Unpooled.copiedBuffer("data: [DONE]\n\n", StandardCharsets.UTF_8);
    var direct = Unpooled.directBuffer().writeBytes("data: q\n\n".getBytes(StandardCharsets.UTF_8));
    parser.feed(buf);
    parser.feed(direct);
    assertThat(events).extracting(SseEvent::data).containsExactly("[DONE]", "q");
    assertThat(buf.readerIndex()).isZero();
    direct.release();
  }

  /**
   * A listener may take an event's data as bytes before any String is made: it must see exactly the bytes of
   * the data the String path gives (lines joined with LF, after the BOM and the space after the colon), with
   * the event type; an event it refuses still reaches onEvent, whole.
   */
  @Test
  void should_offer_each_event_as_bytes_first_and_fall_back_to_a_string_when_refused() {
    String stream = "\uFEFF: ping\n\nid: 3\nevent: error\ndata: {\"e\":1}\n\n"
        + "data: {\"a\":\ndata:  \"h\u00e9llo \u4e16\u754c\"}\r\n\r\ndata:[DONE]\n\ndata\n\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int chunkSize = 1; chunkSize <= bytes.length; chunkSize++) {
      List<String> offered = new ArrayList<>();
      List<SseEvent> refused = new ArrayList<>();
      SseParser fresh = new SseParser(new SseParser.Listener() {
        @Override
        public void onEvent(SseEvent event) {
          refused.add(event);
        }

        @Override
        public boolean onEventBytes(String event, byte[] data, int offset, int length) {
          String text = new String(data, offset, length, StandardCharsets.UTF_8);
          offered.add(event + "|" + text);
          return text.startsWith("{\"a\"");
        }
      });
      for (int offset = 0; offset < bytes.length; offset += chunkSize) {
        fresh.feed(bytes, offset, Math.min(chunkSize, bytes.length - offset));
      }
      assertThat(offered).as("chunk size %d", chunkSize).containsExactly("error|{\"e\":1}",
          "message|{\"a\":\n \"h\u00e9llo \u4e16\u754c\"}", "message|[DONE]", "message|");
      assertThat(refused).as("chunk size %d", chunkSize).containsExactly(new SseEvent("error", "{\"e\":1}", "3"),
          new SseEvent("message", "[DONE]", "3"), new SseEvent("message", "", "3"));
    }
  }

  private void feed(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
  }
}
