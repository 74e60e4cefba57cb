package io.llmgatling.engine.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of {@code text/event-stream} following the WHATWG event-stream rules: feed it the
 * body's byte chunks as they arrive; it calls the listener once per dispatched event (at each blank
 * line). Handles {@code data:} spanning several lines (joined with {@code \n}), comments ({@code :...}),
 * {@code event:} and {@code id:} fields, LF, CRLF and CR line ends, a leading byte-order mark, and lines
 * or UTF-8 characters split anywhere across chunks. As the standard says, an event not terminated by a
 * blank line before the body ends is discarded.
 */
public final class SseParser {
  /** Receives dispatched events. */
  public interface Listener {
    void onEvent(SseEvent event);
  }

  private final Listener listener;
  private final LineSplitter lines;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType;
  private String lastEventId;
  private boolean firstLine = true;

  public SseParser(Listener listener) {
    this.listener = listener;
    this.lines = new LineSplitter(this::onLine, true);
  }

  /** Feeds the next bytes of the body (the buffer's readable bytes; its reader index is not moved). */
  public void feed(ByteBuf chunk) {
    lines.feed(chunk);
  }

  /** Feeds the next bytes of the body. */
  public void feed(byte[] bytes, int offset, int length) {
    lines.feed(bytes, offset, length);
  }

  /** The body has ended; an unterminated event is discarded (WHATWG rule). */
  public void finish() {
    lines.takeRemainder();
    data.setLength(0);
    hasData = false;
    eventType = null;
  }

  private void onLine(byte[] bytes, int offset, int length) {
    if (firstLine) {
      firstLine = false;
      if (length >= 3 && (bytes[offset] & 0xFF) == 0xEF && (bytes[offset + 1] & 0xFF) == 0xBB
          && (bytes[offset + 2] & 0xFF) == 0xBF) {
        offset += 3;
        length -= 3;
      }
    }
    if (length == 0) {
      dispatch();
      return;
    }
    if (bytes[offset] == ':') {
      return; // comment (keep-alive pings)
    }
    int colon = -1;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == ':') {
        colon = i;
        break;
      }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(bytes, offset, length, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(bytes, offset, colon - offset, StandardCharsets.UTF_8);
      int valueStart = colon + 1;
      if (valueStart < offset + length && bytes[valueStart] == ' ') {
        valueStart++;
      }
      value = new String(bytes, valueStart, offset + length - valueStart, StandardCharsets.UTF_8);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> eventType = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      default -> {
        // "retry" and unknown fields do not matter to a load generator
      }
    }
  }

  private void dispatch() {
    if (hasData) {
      listener.onEvent(new SseEvent(eventType == null || eventType.isEmpty() ? "message" : eventType,
          data.toString(), lastEventId));
    }
    data.setLength(0);
    hasData = false;
    eventType = null;
  }
}
