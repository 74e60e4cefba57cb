package io.llmgatling.engine.client;

import io.llmgatling.engine.dialect.WireFormat;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The HTTP request of an exchange: a POST of the JSON body with {@code Host}, {@code Accept} (the API's expected
 * framing), {@code User-Agent}, {@code X-Request-Id: <record id>} and, with an API key, {@code Authorization:
 * Bearer <key>} (the key appears nowhere else).
 */
final class RequestWriter {
  // request header names are constants of ours: no need to validate them per request (values still are)
  private static final HttpHeadersFactory REQUEST_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-Id");
  private static final AsciiString USER_AGENT = AsciiString.cached("llm-gatling");
  private static final AsciiString ACCEPT_SSE = AsciiString.cached("text/event-stream");
  private static final AsciiString ACCEPT_NDJSON = AsciiString.cached("application/x-ndjson");
  private static final AsciiString ACCEPT_JSON = AsciiString.cached("application/json");

  private RequestWriter() {
  }

  /** A new request (one per attempt: Netty releases its body buffer once written). */
  static FullHttpRequest request(long id, String path, String hostHeader, byte[] body, WireFormat expected,
      String apiKey, AnswerReader reader) {
    FullHttpRequest httpRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
        Unpooled.wrappedBuffer(body), REQUEST_HEADERS, REQUEST_HEADERS);
    httpRequest.headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.ACCEPT, accept(expected))
        .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
        .set(X_REQUEST_ID, Long.toString(id));
    reader.headers(apiKey, httpRequest.headers()::set);
    return httpRequest;
  }

  private static AsciiString accept(WireFormat expected) {
    return switch (expected) {
      case SSE -> ACCEPT_SSE;
      case NDJSON -> ACCEPT_NDJSON;
      case JSON -> ACCEPT_JSON;
    };
  }
}
