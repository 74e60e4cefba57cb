package io.llmgatling.engine.client;

import static io.llmgatling.engine.client.Failures.quote;

import io.llmgatling.engine.wire.JsonBody;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/** The body of an HTTP error response, kept up to 64 KiB for its message. */
final class ErrorBody {
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
  private final JsonBody body = new JsonBody();

  /** The next bytes (the buffer's readable bytes; its reader index is not moved); beyond 64 KiB dropped. */
  void feed(ByteBuf bytes) {
    int length = bytes.readableBytes();
    if (body.length() < MAX_ERROR_BODY_BYTES) {
      body.feed(bytes.slice(bytes.readerIndex(), Math.min(length, MAX_ERROR_BODY_BYTES - body.length())));
    }
  }

  /** The server's message: the API's reading of a JSON error body, else the quoted text, else the reason phrase. */
  String serverMessage(AnswerReader reader, String reasonPhrase) {
    String text = body.text().strip();
    try {
      return reader.errorMessage(body.parse(), quote(text));
    } catch (IOException notJson) {
      return text.isEmpty() ? reasonPhrase : quote(text);
    }
  }
}
