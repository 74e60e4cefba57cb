package io.llmgatling.engine.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines, whatever the chunk boundaries. A line is handed over as bytes only
 * once its terminator has arrived, so a UTF-8 character split across two chunks is always whole when
 * the line is decoded. Terminators: LF, CRLF and (when enabled, as SSE requires) a lone CR; a CRLF
 * split across two chunks counts once.
 */
final class LineSplitter {
  /** Receives each complete line, without its terminator. The bytes are only valid during the call. */
  interface LineSink {
    void onLine(byte[] bytes, int offset, int length);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final LineSink sink;
  private final boolean loneCrEndsLine;
  private byte[] pending = new byte[256];
  private int pendingLength;
  private boolean skipNextLf;
  private byte[] scratch = new byte[0];

  LineSplitter(LineSink sink, boolean loneCrEndsLine) {
    this.sink = sink;
    this.loneCrEndsLine = loneCrEndsLine;
  }

  void feed(ByteBuf buf) {
    int length = buf.readableBytes();
    if (length == 0) {
      return;
    }
    if (buf.hasArray()) {
      feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
    } else {
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, 2 * scratch.length)];
      }
      buf.getBytes(buf.readerIndex(), scratch, 0, length);
      feed(scratch, 0, length);
    }
  }

  void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int lineStart = offset;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (skipNextLf) {
        skipNextLf = false;
        if (b == LF) {
          lineStart = i + 1;
          continue;
        }
      }
      if (b == LF || (b == CR && loneCrEndsLine)) {
        int lineEnd = i;
        if (b == LF && !loneCrEndsLine && lineEnd > lineStart && bytes[lineEnd - 1] == CR) {
          lineEnd--; // CRLF in one chunk (NDJSON mode)
        }
        emit(bytes, lineStart, lineEnd - lineStart);
        lineStart = i + 1;
        if (b == CR) {
          skipNextLf = true;
        }
      }
    }
    if (lineStart < end) {
      append(bytes, lineStart, end - lineStart);
    }
  }

  /** The bytes of an unterminated last line, or null when there are none; clears them. */
  byte[] takeRemainder() {
    if (pendingLength == 0) {
      return null;
    }
    int length = pendingLength;
    if (!loneCrEndsLine && pending[length - 1] == CR) {
      length--;
    }
    byte[] rest = Arrays.copyOf(pending, length);
    pendingLength = 0;
    return rest;
  }

  private void emit(byte[] bytes, int offset, int length) {
    if (pendingLength == 0) {
      sink.onLine(bytes, offset, length);
      return;
    }
    append(bytes, offset, length);
    int total = pendingLength;
    if (!loneCrEndsLine && total > 0 && pending[total - 1] == CR) {
      total--; // CR at the end of the previous chunk, LF at the start of this one (NDJSON mode)
    }
    pendingLength = 0;
    sink.onLine(pending, 0, total);
  }

  private void append(byte[] bytes, int offset, int length) {
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingLength + length, 2 * pending.length));
    }
    System.arraycopy(bytes, offset, pending, pendingLength, length);
    pendingLength += length;
  }
}
