package io.llmgatling.engine.client;

import static io.llmgatling.engine.client.Failures.describe;
import static io.llmgatling.engine.client.Failures.quote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.wire.JsonBody;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * One JSON document (a non-streamed answer, embeddings): collected as it arrives, read once it has ended, from
 * its tokens when the API knows the body's shape, else through a tree. No chunk of it is a token.
 */
final class JsonBodyDecoder implements ResponseDecoder {
  private final AnswerReader reader;
  private final ResponseAccumulator acc;
  private final ResponseDecoder.Listener listener;
  private final JsonBody body = new JsonBody();

  JsonBodyDecoder(AnswerReader reader, ResponseAccumulator acc, ResponseDecoder.Listener listener) {
    this.reader = reader;
    this.acc = acc;
    this.listener = listener;
  }

  @Override
  public void feed(ByteBuf bytes) {
    body.feed(bytes);
  }

  @Override
  public void finish() {
    if (!readFast()) {
      try {
        JsonNode parsed = body.parse();
        if (!parsed.isObject()) {
          listener.onMalformed("response body is not a JSON object: " + quote(body.text()));
          return;
        }
        reader.readBody(parsed, acc);
      } catch (IOException e) {
        listener.onMalformed("unparseable response body " + quote(body.text()) + ": " + describe(e));
        return;
      }
    }
    listener.onBody();
  }

  @Override
  public String endMarker() {
    return "[DONE] or a finish_reason";
  }

  /** The API's token-level reading of a simple body; false: use the tree (acc untouched). */
  private boolean readFast() {
    if (body.length() == 0) {
      return false;
    }
    try (JsonParser parser = body.parser()) {
      return reader.readBodyFast(parser, acc);
    } catch (IOException e) {
      return false;
    }
  }
}
