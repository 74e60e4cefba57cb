package io.llmgatling.engine.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.StreamLineReader;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.record.ErrorCause;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.engine.record.RunClock;
import io.llmgatling.engine.wire.Json;
import io.llmgatling.engine.wire.JsonBody;
import io.llmgatling.engine.wire.NdjsonParser;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.engine.wire.SseParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One request/response on one connection: sends, times every arriving chunk, classifies the outcome
 * and completes exactly once. After {@link #begin} every method runs on the connection's event loop,
 * so the state needs no locking.
 */
final class Exchange {
  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
  private static final int MAX_QUOTED_CHARS = 200;
  // request header names are constants of ours: no need to validate them per request (values still are)
  private static final HttpHeadersFactory REQUEST_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-Id");
  private static final AsciiString USER_AGENT = AsciiString.cached("llm-gatling");
  private static final AsciiString ACCEPT_SSE = AsciiString.cached("text/event-stream");
  private static final AsciiString ACCEPT_NDJSON = AsciiString.cached("application/x-ndjson");
  private static final AsciiString ACCEPT_JSON = AsciiString.cached("application/json");

  private final long id;
  private final LlmRequest request;
  private final long intendedNanos;
  private final long attemptNanos;
  private final Consumer<LlmResult> onDone;
  private final Dialect dialect;
  private final String path;
  private final String url;
  private final String hostHeader;
  private final byte[] body;
  private final long maxResponseBytes;
  private final ResponseAccumulator acc = new ResponseAccumulator();

  private Channel channel;
  private ChannelPool pool;
  private ChannelHandlers.ExchangeDispatcher dispatcher;
  private boolean finished;

  // connection reuse (see ConnectionReuse): whether the current connection had carried requests before this
  // one, the connection's read count when this request began on it (another read = a response byte came),
  // whether the request was already sent once more on a new connection, and which attempt is current (a
  // late write result of the lost attempt is ignored)
  private boolean reused;
  private long readsAtBegin;
  private boolean resent;
  private int attempt;

  private long sentNanos = -1;
  private long headersNanos = -1;
  private long lastByteNanos = -1;
  private long[] tokenNanos = new long[32];
  private int tokenCount;

  private HttpResponse response;
  private int status;
  private WireFormat format;
  private NdjsonParser ndjson;
  /** Reads a stream's NDJSON lines or SSE data one after the other with one parser; null until the first. */
  private StreamLineReader lineReader;
  private SseParser sse;
  private JsonBody jsonBody;
  private long responseBytes;
  private long parsingArrivalNanos;

  // one watchdog timer per connection (ExchangeDispatcher) instead of one per limit and exchange: it is
  // armed for the earliest deadline (first-token, total, and the earliest time the idle limit could
  // expire), kept when an earlier one is pending (it fires early and re-arms, so the next exchanges on
  // the connection usually schedule nothing), and when it fires the current exchange checks which limit
  // expired and re-arms for the next one. Deadlines are System.nanoTime() values.
  private static final long NONE = Long.MAX_VALUE;
  private long firstTokenDeadline = NONE;
  private long totalDeadline = NONE;
  private boolean idleArmed;

  Exchange(long id, LlmRequest request, long intendedNanos, Consumer<LlmResult> onDone, Dialect dialect,
      String path, String url, String hostHeader, byte[] body, long maxResponseBytes) {
    this.id = id;
    this.request = request;
    this.intendedNanos = intendedNanos;
    this.attemptNanos = System.nanoTime();
    this.onDone = onDone;
    this.dialect = dialect;
    this.path = path;
    this.url = url;
    this.hostHeader = hostHeader;
    this.body = body;
    this.maxResponseBytes = maxResponseBytes;
  }

  long id() {
    return id;
  }

  String url() {
    return url;
  }

  /** Starts the exchange on an acquired connection; runs on the connection's event loop. */
  void begin(Channel channel, ChannelPool pool) {
    this.channel = channel;
    this.pool = pool;
    // from the channel's attribute, not its pipeline: a closed channel's pipeline has no handlers any more, and
    // a pooled connection found closed here is exactly the one whose request must go out again
    this.dispatcher = channel.attr(ChannelHandlers.DISPATCHER).get();
    this.reused = dispatcher != null && dispatcher.requests > 0;
    if (dispatcher != null) {
      readsAtBegin = dispatcher.stamp.reads;
    }
    if (!channel.isActive() || dispatcher == null) {
      if (resendIfStale()) {
        return;
      }
      channel.close();
      pool.release(channel);
      this.channel = null;
      failWithoutConnection(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed before the request was sent");
      return;
    }
    dispatcher.current = this;
    dispatcher.requests++;
    int thisAttempt = ++attempt;
    FullHttpRequest httpRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
        Unpooled.wrappedBuffer(body), REQUEST_HEADERS, REQUEST_HEADERS);
    httpRequest.headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.ACCEPT, accept())
        .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
        .set(X_REQUEST_ID, Long.toString(id));
    if (request.apiKey() != null && !request.apiKey().isEmpty()) {
      httpRequest.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + request.apiKey());
    }
    // "sent" = when the write future completes, i.e. the last request byte was handed to the kernel. A
    // small request on a writable socket completes inside writeAndFlush, on this thread, before any
    // response byte can be read; a huge prompt completes when its last byte is written.
    channel.writeAndFlush(httpRequest).addListener(future -> {
      if (finished || attempt != thisAttempt) {
        return;
      }
      if (!future.isSuccess()) {
        if (resendIfStale()) {
          return;
        }
        fail(ErrorCause.STREAM_DROPPED, "connection to " + url + " failed while sending the request: "
            + describe(future.cause()));
        return;
      }
      if (sentNanos < 0) {
        sentNanos = System.nanoTime();
      }
      startTimers();
    });
  }

  private AsciiString accept() {
    return switch (dialect.responseFormat(request)) {
      case SSE -> ACCEPT_SSE;
      case NDJSON -> ACCEPT_NDJSON;
      case JSON -> ACCEPT_JSON;
    };
  }

  private void startTimers() {
    var timeouts = request.timeouts();
    long now = System.nanoTime();
    if (timeouts.firstToken() != null) {
      firstTokenDeadline = now + timeouts.firstToken().toNanos();
    }
    if (timeouts.total() != null) {
      totalDeadline = now + timeouts.total().toNanos();
    }
    // the idle limit starts with the response headers, which come after now: waking at now + idle is
    // never late for it and spares re-arming the watchdog earlier when the headers come
    long next = Math.min(firstTokenDeadline, totalDeadline);
    if (timeouts.idle() != null) {
      next = Math.min(next, now + timeouts.idle().toNanos());
    }
    armWatchdog(next, now);
  }

  private void armWatchdog(long at, long now) {
    if (at != NONE) {
      dispatcher.armWatchdog(channel.eventLoop(), at, now);
    }
  }

  /**
   * Idle limit in the style of Netty's IdleStateHandler: it starts with the response headers, and a busy
   * stream costs no timer per chunk (the watchdog compares the last byte's time when it fires).
   */
  private void armIdleTimer() {
    if (request.timeouts().idle() == null) {
      return;
    }
    idleArmed = true;
    armWatchdog(lastByteNanos + request.timeouts().idle().toNanos(), System.nanoTime());
  }

  /** The connection's watchdog fired while this exchange was its current one. */
  void onWatchdog() {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    var timeouts = request.timeouts();
    long idleDeadline = idleArmed ? lastByteNanos + timeouts.idle().toNanos() : NONE;
    // of the expired limits, the one that expired first (ties: first-token, total, idle, as the
    // separate timers scheduled in that order would fire)
    long expired = NONE;
    int which = 0;
    if (firstTokenDeadline <= now) {
      expired = firstTokenDeadline;
      which = 1;
    }
    if (totalDeadline <= now && totalDeadline < expired) {
      expired = totalDeadline;
      which = 2;
    }
    if (idleDeadline <= now && idleDeadline < expired) {
      which = 3;
    }
    switch (which) {
      case 1 -> {
        fail(ErrorCause.TIMEOUT, request.stream()
            ? "no first token within the first-token timeout of " + timeouts.firstToken().toMillis() + " ms"
            : "no complete answer within the first-token timeout of " + timeouts.firstToken().toMillis() + " ms");
        return;
      }
      case 2 -> {
        fail(ErrorCause.TIMEOUT, "request exceeded the total timeout of " + timeouts.total().toMillis() + " ms");
        return;
      }
      case 3 -> {
        long silent = now - lastByteNanos;
        fail(ErrorCause.TIMEOUT, "no data for " + (silent / 1_000_000) + " ms, over the idle timeout of "
            + timeouts.idle().toMillis() + " ms between chunks (after " + acc.contentChunks()
            + " content chunks)");
        return;
      }
      default -> {
      }
    }
    long next = Math.min(firstTokenDeadline, totalDeadline);
    if (idleArmed) {
      next = Math.min(next, idleDeadline);
    } else if (timeouts.idle() != null && response == null) {
      next = Math.min(next, now + timeouts.idle().toNanos());
    }
    armWatchdog(next, now);
  }

  void onHttpObject(HttpObject msg, long arrivalNanos) {
    if (finished) {
      return;
    }
    if (msg.decoderResult().isFailure()) {
      fail(ErrorCause.MALFORMED, "invalid HTTP response from " + url + ": " + describe(msg.decoderResult().cause()));
      return;
    }
    lastByteNanos = arrivalNanos;
    if (msg instanceof HttpResponse httpResponse) {
      onHeaders(httpResponse, arrivalNanos);
    }
    if (finished) {
      return;
    }
    if (msg instanceof HttpContent content) {
      onContent(content.content(), arrivalNanos);
      if (!finished && msg instanceof LastHttpContent) {
        onResponseEnd();
      }
    }
  }

  private void onHeaders(HttpResponse httpResponse, long arrivalNanos) {
    if (sentNanos < 0) {
      sentNanos = arrivalNanos; // cannot happen with a completed write; keeps the figures sane if it does
    }
    response = httpResponse;
    headersNanos = arrivalNanos;
    status = httpResponse.status().code();
    if (isSuccess()) {
      format = formatFor(httpResponse.headers().get(HttpHeaderNames.CONTENT_TYPE));
      switch (format) {
        case NDJSON -> ndjson = new NdjsonParser(new NdjsonParser.Listener() {
          @Override
          public void onJson(JsonNode value) {
            onStreamChunk(value);
          }

          @Override
          public void onMalformed(String line, String problem) {
            fail(ErrorCause.MALFORMED, "unparseable NDJSON line " + quote(line) + ": " + problem);
          }

          @Override
          public boolean onLine(byte[] bytes, int offset, int length) {
            return onStreamLineFast(bytes, offset, length);
          }
        });
        case SSE -> sse = new SseParser(new SseParser.Listener() {
          @Override
          public void onEvent(SseEvent event) {
            onSseEvent(event);
          }

          @Override
          public boolean onEventBytes(String event, byte[] data, int offset, int length) {
            return onSseEventFast(event, data, offset, length);
          }
        });
        case JSON -> jsonBody = new JsonBody();
      }
    } else {
      jsonBody = new JsonBody();
    }
    armIdleTimer();
  }

  /** The server's Content-Type wins (a server may ignore "stream"); else what the API streams. */
  private WireFormat formatFor(String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
    if (type.contains("event-stream")) {
      return WireFormat.SSE;
    }
    if (type.contains("ndjson")) {
      return WireFormat.NDJSON;
    }
    return dialect.responseFormat(request);
  }

  private boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  private void onContent(ByteBuf bytes, long arrivalNanos) {
    int length = bytes.readableBytes();
    if (length == 0) {
      return;
    }
    responseBytes += length;
    if (responseBytes > maxResponseBytes) {
      fail(ErrorCause.MALFORMED, "response from " + url + " exceeds the limit of " + maxResponseBytes
          + " bytes (maxResponseBytes)");
      return;
    }
    if (!isSuccess()) {
      if (jsonBody.length() < MAX_ERROR_BODY_BYTES) {
        jsonBody.feed(bytes.slice(bytes.readerIndex(), Math.min(length, MAX_ERROR_BODY_BYTES - jsonBody.length())));
      }
      return;
    }
    parsingArrivalNanos = arrivalNanos;
    switch (format) {
      case NDJSON -> ndjson.feed(bytes);
      case SSE -> sse.feed(bytes);
      case JSON -> jsonBody.feed(bytes);
    }
  }

  private void onSseEvent(SseEvent event) {
    if (finished) {
      return;
    }
    JsonNode data = null;
    if (!event.isDone()) {
      try {
        data = Json.MAPPER.readTree(event.data());
      } catch (IOException e) {
        if (!"error".equals(event.event())) {
          fail(ErrorCause.MALFORMED, "unparseable SSE data " + quote(event.data()) + ": " + describe(e));
          return;
        }
      }
      if (data != null && !data.isObject() && !"error".equals(event.event())) {
        fail(ErrorCause.MALFORMED, "SSE data is not a JSON object: " + quote(event.data()));
        return;
      }
    }
    int before = acc.contentChunks();
    dialect.readEvent(event, data, acc);
    afterChunk(before);
  }

  /**
   * An SSE event's data read by the provider from its tokens, without a String or a tree (one each per token
   * otherwise); false leaves the event to {@link #onSseEvent}, which also owns [DONE] and error events.
   */
  private boolean onSseEventFast(String event, byte[] data, int offset, int length) {
    if (finished) {
      return true;
    }
    if (!"message".equals(event) || length == 0 || data[offset] != '{') {
      return false;
    }
    return readChunkFast(dialect::readChunkFast, data, offset, length);
  }

  private void onStreamChunk(JsonNode chunk) {
    if (finished) {
      return;
    }
    if (!chunk.isObject()) {
      fail(ErrorCause.MALFORMED, "stream chunk is not a JSON object: " + quote(chunk.toString()));
      return;
    }
    int before = acc.contentChunks();
    dialect.readChunk(chunk, acc);
    afterChunk(before);
  }

  /**
   * A streamed line read by the provider from its tokens, without a tree (one per token otherwise); false
   * leaves the line to the tree path.
   */
  private boolean onStreamLineFast(byte[] bytes, int offset, int length) {
    if (finished) {
      return true;
    }
    return readChunkFast(dialect::readChunkFast, bytes, offset, length);
  }

  /** One chunk through the stream's one reader (made on the first chunk, with the wire format's fast path). */
  private boolean readChunkFast(StreamLineReader.FastPath fastPath, byte[] bytes, int offset, int length) {
    if (lineReader == null) {
      lineReader = new StreamLineReader(fastPath);
    }
    int before = acc.contentChunks();
    if (!lineReader.read(bytes, offset, length, acc)) {
      return false;
    }
    afterChunk(before);
    return true;
  }

  private void afterChunk(int contentChunksBefore) {
    if (acc.contentChunks() > contentChunksBefore) {
      if (tokenCount == tokenNanos.length) {
        tokenNanos = Arrays.copyOf(tokenNanos, tokenCount * 2);
      }
      tokenNanos[tokenCount++] = parsingArrivalNanos;
      if (tokenCount == 1) {
        firstTokenDeadline = NONE; // the watchdog, when it fires, re-arms for the remaining limits
      }
    }
    if (acc.streamError() != null) {
      fail(ErrorCause.STREAM_ERROR, "error inside the stream from " + url + ": " + acc.streamError());
    }
  }

  private void onResponseEnd() {
    if (!isSuccess()) {
      String text = jsonBody.text().strip();
      String serverMessage;
      try {
        serverMessage = dialect.errorMessage(jsonBody.parse(), quote(text));
      } catch (IOException notJson) {
        serverMessage = text.isEmpty() ? response.status().reasonPhrase() : quote(text);
      }
      complete(ErrorCause.http(status), "HTTP " + status + " from " + url + ": " + serverMessage, true);
      return;
    }
    switch (format) {
      case NDJSON -> ndjson.finish();
      case SSE -> sse.finish();
      case JSON -> {
        if (!readBodyFast()) {
          try {
            JsonNode parsed = jsonBody.parse();
            if (!parsed.isObject()) {
              fail(ErrorCause.MALFORMED, "response body is not a JSON object: " + quote(jsonBody.text()));
              return;
            }
            dialect.readBody(parsed, acc);
          } catch (IOException e) {
            fail(ErrorCause.MALFORMED, "unparseable response body " + quote(jsonBody.text()) + ": " + describe(e));
            return;
          }
        }
        if (acc.streamError() != null) {
          fail(ErrorCause.STREAM_ERROR, "error in the answer from " + url + ": " + acc.streamError());
          return;
        }
      }
    }
    if (finished) {
      return;
    }
    if (!acc.ended()) {
      fail(ErrorCause.STREAM_DROPPED, "response from " + url + " ended after " + acc.contentChunks()
          + " content chunks without the stream's end marker (" + endMarkerName() + ")");
      return;
    }
    complete(null, null, true);
  }

  /** The provider's token-level reading of a simple body; false: use the tree (acc untouched). */
  private boolean readBodyFast() {
    if (jsonBody.length() == 0) {
      return false;
    }
    try (com.fasterxml.jackson.core.JsonParser parser = jsonBody.parser()) {
      return dialect.readBodyFast(parser, acc);
    } catch (IOException e) {
      return false;
    }
  }

  private String endMarkerName() {
    return dialect.endMarker(format);
  }

  void onConnectionClosed() {
    if (finished || resendIfStale()) {
      return;
    }
    if (sentNanos < 0) {
      fail(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed before the request was sent");
    } else if (response == null) {
      fail(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed before the response headers");
    } else if (!isSuccess()) {
      fail(ErrorCause.http(status), "HTTP " + status + " from " + url + ", connection closed mid-body");
    } else {
      fail(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed after " + acc.contentChunks()
          + " content chunks, before the stream's end");
    }
  }

  void onException(Throwable cause) {
    if (finished) {
      return;
    }
    if (cause instanceof IOException) {
      if (resendIfStale()) {
        return;
      }
      fail(ErrorCause.STREAM_DROPPED, "connection to " + url + " broke: " + describe(cause));
    } else {
      fail(ErrorCause.MALFORMED, "cannot read the response from " + url + ": " + describe(cause));
    }
  }

  /**
   * The connection failed (closed, reset, or the write failed): when it was a reused one and no response
   * byte came (see {@link ConnectionReuse#resendOnNewConnection}), the server may have closed it while idle
   * and never seen the request, so the request leaves it and is sent once more on a new connection
   * ({@code retried}); its {@code sent} becomes the new write, the lost attempt shows as client delay.
   *
   * @return true when the request was handed over to a new connection (this failure ends nothing)
   */
  private boolean resendIfStale() {
    if (finished || channel == null) {
      return false;
    }
    boolean responseByteSeen = response != null || (dispatcher != null && dispatcher.stamp.reads != readsAtBegin);
    long sinceSent = sentNanos < 0 ? -1 : System.nanoTime() - sentNanos;
    if (!ConnectionReuse.resendOnNewConnection(reused, resent, responseByteSeen, sinceSent)) {
      return false;
    }
    resent = true;
    attempt++; // a late result of the lost attempt's write is ignored from now on
    Channel ch = channel;
    ChannelPool from = pool;
    if (dispatcher != null && dispatcher.current == this) {
      dispatcher.current = null;
    }
    ch.close().addListener(closed -> from.release(ch));
    channel = null;
    dispatcher = null;
    reused = false;
    sentNanos = -1;
    firstTokenDeadline = NONE;
    totalDeadline = NONE;
    idleArmed = false;
    ((LlmClient.Pool) from).resend(this);
    return true;
  }

  /** Ends a failed exchange: the connection is closed, never returned to the pool for reuse. */
  void fail(String cause, String message) {
    complete(cause, message, false);
  }

  /** Ends an exchange that never got a connection (connect failure); call on any event loop. */
  void failWithoutConnection(String cause, String message) {
    complete(cause, message, false);
  }

  private void complete(String cause, String message, boolean reusable) {
    if (finished) {
      return;
    }
    finished = true;
    if (lineReader != null) {
      lineReader.close();
    }
    long endNanos = cause == null && lastByteNanos >= 0 ? lastByteNanos : System.nanoTime();
    if (channel != null) {
      dispatcher.current = null;
      Channel ch = channel;
      boolean keep = false;
      if (reusable && response != null && HttpUtil.isKeepAlive(response) && ch.isActive()) {
        // Connection: close and HTTP/1.0 without keep-alive were excluded above; the Keep-Alive header's
        // timeout and max decide the rest (an exhausted max, or timeout=0, retires it now)
        dispatcher.keepAlive(response.headers().get(HttpHeaderNames.KEEP_ALIVE));
        dispatcher.idleSinceNanos = lastByteNanos >= 0 ? lastByteNanos : System.nanoTime();
        keep = dispatcher.reusableAt(dispatcher.idleSinceNanos);
      }
      if (keep) {
        pool.release(ch);
      } else {
        ch.close().addListener(closed -> pool.release(ch));
      }
    }
    LlmResult result = buildResult(cause, message, endNanos);
    try {
      onDone.accept(result);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "onDone callback of request " + id + " threw", t);
    }
  }

  private LlmResult buildResult(String cause, String message, long endNanos) {
    boolean sent = sentNanos >= 0;
    long sentAt = sent ? sentNanos : attemptNanos;
    boolean streamed = request.stream() && format != WireFormat.JSON && dialect.responseFormat(request) != WireFormat.JSON;
    Double e2e = ms(endNanos - sentAt);
    Double ttft = streamed && tokenCount > 0 ? ms(tokenNanos[0] - sentAt) : null;

    Integer outputTokens;
    String tokensSource;
    if (acc.serverOutputTokens() != null) {
      outputTokens = acc.serverOutputTokens();
      tokensSource = "server";
    } else if (streamed && response != null) {
      outputTokens = acc.contentChunks();
      tokensSource = "chunks";
    } else {
      outputTokens = null;
      tokensSource = null;
    }
    Double itl = null;
    Double tpot = null;
    if (outputTokens != null && outputTokens >= 2 && ttft != null) {
      if (tokenCount >= 2) {
        itl = ms((tokenNanos[tokenCount - 1] - tokenNanos[0]) / (double) (outputTokens - 1));
      }
      tpot = round((e2e - ttft) / (outputTokens - 1));
    }
    double[] gaps = null;
    if (streamed && tokenCount >= 2) {
      gaps = new double[tokenCount - 1];
      for (int i = 1; i < tokenCount; i++) {
        gaps[i - 1] = ms(tokenNanos[i] - tokenNanos[i - 1]);
      }
    }
    Double queue = acc.queueMs();
    if (queue == null && acc.serverBusyMs() != null && cause == null) {
      // the server's busy time (prefill + decode) ends with its last token, not with the trailing
      // finish/usage/[DONE] chunks: measure up to the last token so those do not count as queue
      long busyEnd = streamed && tokenCount > 0 ? tokenNanos[tokenCount - 1] : endNanos;
      queue = round(Math.max(0.0, ms(busyEnd - sentAt) - acc.serverBusyMs()));
    }
    RequestRecord record = new RequestRecord(
        id, request.task(), request.model(), request.api().id(), request.operation().id(), request.stream(),
        RunClock.epochMillis(intendedNanos),
        sent ? ms(sentNanos - intendedNanos) : null,
        headersNanos >= 0 ? ms(headersNanos - sentAt) : null,
        ttft, e2e, itl, tpot, gaps,
        acc.promptTokens(), outputTokens, tokensSource,
        streamed ? acc.contentChunks() : null,
        round(queue), round(acc.loadMs()), round(acc.promptEvalMs()), round(acc.evalMs()), round(acc.serverTotalMs()),
        status > 0 ? status : null,
        cause == null, cause, message, acc.finishReason(), resent);
    return new LlmResult(record, acc.text(), acc.embeddings(), acc.dimensions(),
        RunClock.epochMillis(sentAt),
        tokenCount > 0 ? RunClock.epochMillis(tokenNanos[0]) : -1,
        RunClock.epochMillis(endNanos));
  }

  /** Nanoseconds to milliseconds rounded to the microsecond. */
  private static Double ms(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  private static Double round(Double ms) {
    return ms == null ? null : Math.round(ms * 1_000.0) / 1_000.0;
  }

  private static String quote(String text) {
    String oneLine = text.replace("\n", "\\n").replace("\r", "\\r");
    return "'" + (oneLine.length() > MAX_QUOTED_CHARS ? oneLine.substring(0, MAX_QUOTED_CHARS) + "..." : oneLine) + "'";
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage();
    return text == null || text.isBlank() ? root.getClass().getSimpleName() : text;
  }
}
