package io.llmgatling.engine.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /**
     * An event's data as UTF-8 bytes (its lines joined with {@code \n}), before any String is made: a
     * listener that reads it straight from the bytes does so and returns true ({@link #onEvent} is not
     * called); false gets {@link #onEvent}. The array is the parser's and is reused once this returns.
     */
    default boolean onEventBytes(String event, byte[] data, int offset, int length) {
      return false;
    }
  }

  private final Listener listener;
  private final LineSplitter lines;
  /** The event's data lines so far, joined with LF, as bytes: a String is made only if a listener wants one. */
  private byte[] data = new byte[256];
  private int dataLength;
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
    dataLength = 0;
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
    int fieldLength = colon < 0 ? length : colon - offset;
    int valueStart = colon < 0 ? offset + length : colon + 1;
    if (valueStart < offset + length && bytes[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = offset + length - valueStart;
    if (is(bytes, offset, fieldLength, DATA)) {
      if (hasData) {
        append((byte) '\n');
      }
      append(bytes, valueStart, valueLength);
      hasData = true;
    } else if (is(bytes, offset, fieldLength, EVENT)) {
      eventType = new String(bytes, valueStart, valueLength, StandardCharsets.UTF_8);
    } else if (is(bytes, offset, fieldLength, ID)) {
      String value = new String(bytes, valueStart, valueLength, StandardCharsets.UTF_8);
      if (value.indexOf('\0') < 0) {
        lastEventId = value;
      }
    }
    // "retry" and unknown fields do not matter to a load generator
  }

  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

  private static boolean is(byte[] bytes, int offset, int length, byte[] name) {
    return length == name.length && Arrays.equals(bytes, offset, offset + length, name, 0, length);
  }

  private void append(byte b) {
    ensure(1);
    data[dataLength++] = b;
  }

  private void append(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, data, dataLength, length);
    dataLength += length;
  }

  private void ensure(int more) {
    if (dataLength + more > data.length) {
      data = Arrays.copyOf(data, Math.max(dataLength + more, data.length * 2));
    }
  }

  private void dispatch() {
    if (hasData) {
      String type = eventType == null || eventType.isEmpty() ? "message" : eventType;
      if (!listener.onEventBytes(type, data, 0, dataLength)) {
        listener.onEvent(new SseEvent(type, new String(data, 0, dataLength, StandardCharsets.UTF_8), lastEventId));
      }
    }
    dataLength = 0;
    hasData = false;
    eventType = null;
  }
}
