package io.llmgatling.engine.client;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.record.ErrorCause;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One request/response on one connection, as a small state machine over explicit {@link Phase}s: sends, stamps
 * every arriving chunk, hands the body to the {@link ResponseDecoder} of its wire format, watches the
 * {@link RequestTimeout} limits, classifies a failure by the phase it hit ({@link Failures}), releases the
 * connection and completes exactly once with the record the {@link RecordBuilder} computes. After {@link #begin}
 * every method runs on the connection's event loop, so the state needs no locking.
 */
final class Exchange implements ResponseDecoder.Listener {
  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

  /**
   * Where the exchange stands; a connection that closes is classified by it (see {@link Failures#closed}).
   * CONNECTING → WRITING → AWAITING_HEADERS → STREAMING_BODY (2xx) or ERROR_BODY (any other status) → DONE;
   * a request resent on a new connection goes back to CONNECTING.
   */
  enum Phase {
    /** Waiting for a connection (new, or from the pool). */
    CONNECTING,
    /** The request is being written; "sent" once the write completes. */
    WRITING,
    /** Sent; no response byte decoded yet. */
    AWAITING_HEADERS,
    /** A 2xx response's body is arriving, through the decoder of its wire format. */
    STREAMING_BODY,
    /** A non-2xx response's body is arriving, kept for its message. */
    ERROR_BODY,
    /** Completed: nothing changes any more. */
    DONE
  }

  private final long id;
  private final LlmRequest request;
  private final Consumer<LlmResult> onDone;
  private final AnswerReader reader;
  private final String path;
  private final String url;
  private final String hostHeader;
  private final byte[] body;
  private final long maxResponseBytes;
  private final ResponseAccumulator acc = new ResponseAccumulator();
  private final Timeline timeline = new Timeline();
  private final RequestTimeout timeout;
  private final RecordBuilder records;

  private Phase phase = Phase.CONNECTING;
  private Channel channel;
  private ChannelPool pool;
  private ChannelHandlers.ExchangeDispatcher dispatcher;

  // connection reuse (see ConnectionReuse): whether the current connection had carried requests before this
  // one, the connection's read count when this request began on it (another read = a response byte came),
  // whether the request was already sent once more on a new connection, and which attempt is current (a
  // late write result of the lost attempt is ignored)
  private boolean reused;
  private long readsAtBegin;
  private boolean resent;
  private int attempt;

  private HttpResponse response;
  private int status;
  private WireFormat format;
  private ResponseDecoder decoder;
  private ErrorBody errorBody;
  private long responseBytes;
  /** The arrival of the bytes being decoded: a token read from them is stamped with it. */
  private long parsingArrivalNanos;

  Exchange(long id, LlmRequest request, long intendedNanos, Consumer<LlmResult> onDone, AnswerReader reader,
      String path, String url, String hostHeader, byte[] body, long maxResponseBytes) {
    this.id = id;
    this.request = request;
    this.onDone = onDone;
    this.reader = reader;
    this.path = path;
    this.url = url;
    this.hostHeader = hostHeader;
    this.body = body;
    this.maxResponseBytes = maxResponseBytes;
    this.timeout = new RequestTimeout(request.timeouts());
    this.records = new RecordBuilder(id, request, intendedNanos, System.nanoTime());
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
      failWith(Failures.closedBeforeSent(url));
      return;
    }
    dispatcher.current = this;
    dispatcher.requests++;
    phase = Phase.WRITING;
    int thisAttempt = ++attempt;
    FullHttpRequest httpRequest = RequestWriter.request(id, path, hostHeader, body, reader.expectedFormat(),
        request.apiKey(), reader);
    // "sent" = when the write future completes, i.e. the last request byte was handed to the kernel. A
    // small request on a writable socket completes inside writeAndFlush, on this thread, before any
    // response byte can be read; a huge prompt completes when its last byte is written.
    channel.writeAndFlush(httpRequest).addListener(future -> {
      if (phase == Phase.DONE || attempt != thisAttempt) {
        return;
      }
      if (!future.isSuccess()) {
        if (resendIfStale()) {
          return;
        }
        failWith(Failures.writeFailed(url, future.cause()));
        return;
      }
      if (!timeline.isSent()) {
        timeline.sent(System.nanoTime());
      }
      if (phase == Phase.WRITING) {
        phase = Phase.AWAITING_HEADERS;
      }
      long now = System.nanoTime();
      armWatchdog(timeout.start(now), now);
    });
  }

  private void armWatchdog(long at, long now) {
    if (at != RequestTimeout.NONE) {
      dispatcher.armWatchdog(channel.eventLoop(), at, now);
    }
  }

  /** The connection's watchdog fired while this exchange was its current one. */
  void onWatchdog() {
    if (phase == Phase.DONE) {
      return;
    }
    long now = System.nanoTime();
    RequestTimeout.Check check = timeout.check(now, timeline.lastByteNanos(), response != null);
    if (check.expired() != null) {
      fail(RequestTimeout.cause(), timeout.message(check.expired(), request.stream(), now,
          timeline.lastByteNanos(), acc.contentChunks()));
      return;
    }
    armWatchdog(check.next(), now);
  }

  void onHttpObject(HttpObject msg, long arrivalNanos) {
    if (phase == Phase.DONE) {
      return;
    }
    if (msg.decoderResult().isFailure()) {
      failWith(Failures.invalidHttp(url, msg.decoderResult().cause()));
      return;
    }
    timeline.lastByte(arrivalNanos);
    if (msg instanceof HttpResponse httpResponse) {
      onHeaders(httpResponse, arrivalNanos);
    }
    if (phase == Phase.DONE) {
      return;
    }
    if (msg instanceof HttpContent content) {
      onContent(content.content(), arrivalNanos);
      if (phase != Phase.DONE && msg instanceof LastHttpContent) {
        onResponseEnd();
      }
    }
  }

  private void onHeaders(HttpResponse httpResponse, long arrivalNanos) {
    if (!timeline.isSent()) {
      timeline.sent(arrivalNanos); // cannot happen with a completed write; keeps the figures sane if it does
    }
    response = httpResponse;
    timeline.headers(arrivalNanos);
    status = httpResponse.status().code();
    if (isSuccess()) {
      format = ResponseDecoder.formatFor(httpResponse.headers().get(HttpHeaderNames.CONTENT_TYPE),
          reader.expectedFormat());
      decoder = ResponseDecoder.of(format, reader, acc, this);
      phase = Phase.STREAMING_BODY;
    } else {
      errorBody = new ErrorBody();
      phase = Phase.ERROR_BODY;
    }
    armWatchdog(timeout.headersArrived(timeline.lastByteNanos()), System.nanoTime());
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
      failWith(Failures.tooLarge(url, maxResponseBytes));
      return;
    }
    if (phase == Phase.ERROR_BODY) {
      errorBody.feed(bytes);
      return;
    }
    parsingArrivalNanos = arrivalNanos;
    decoder.feed(bytes);
  }

  @Override
  public void onChunk(int contentChunksBefore) {
    if (acc.contentChunks() > contentChunksBefore) {
      timeline.token(parsingArrivalNanos);
      if (timeline.tokenCount() == 1) {
        timeout.firstTokenArrived(); // the watchdog, when it fires, re-arms for the remaining limits
      }
    }
    if (timeline.firstAnswerNanos() < 0 && (acc.answerChunks() > 0 || acc.toolCallDeltas() > 0)) {
      timeline.firstAnswer(parsingArrivalNanos);
    }
    if (acc.streamError() != null) {
      failWith(Failures.streamError(url, acc.streamError()));
    }
  }

  @Override
  public void onBody() {
    if (acc.streamError() != null) {
      failWith(Failures.answerError(url, acc.streamError()));
    }
  }

  @Override
  public void onMalformed(String message) {
    fail(ErrorCause.MALFORMED, message);
  }

  @Override
  public boolean stopped() {
    return phase == Phase.DONE;
  }

  private void onResponseEnd() {
    if (phase == Phase.ERROR_BODY) {
      failWith(Failures.httpError(status, url, errorBody.serverMessage(reader, response.status().reasonPhrase())),
          true);
      return;
    }
    decoder.finish();
    if (phase == Phase.DONE) {
      return;
    }
    if (!acc.ended()) {
      failWith(Failures.noEndMarker(url, acc.contentChunks(), decoder.endMarker()));
      return;
    }
    complete(null, null, true);
  }

  void onConnectionClosed() {
    if (phase == Phase.DONE || resendIfStale()) {
      return;
    }
    failWith(Failures.closed(phase, url, status, acc.contentChunks()));
  }

  void onException(Throwable cause) {
    if (phase == Phase.DONE) {
      return;
    }
    if (cause instanceof IOException) {
      if (resendIfStale()) {
        return;
      }
      failWith(Failures.broke(url, cause));
    } else {
      failWith(Failures.unreadable(url, cause));
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
    if (phase == Phase.DONE || channel == null) {
      return false;
    }
    boolean responseByteSeen = response != null || (dispatcher != null && dispatcher.stamp.reads != readsAtBegin);
    long sinceSent = timeline.isSent() ? System.nanoTime() - timeline.sentNanos() : -1;
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
    timeline.unsent();
    timeout.reset();
    phase = Phase.CONNECTING;
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

  private void failWith(Failures.Failure failure) {
    failWith(failure, false);
  }

  private void failWith(Failures.Failure failure, boolean reusable) {
    complete(failure.cause(), failure.message(), reusable);
  }

  private void complete(String cause, String message, boolean reusable) {
    if (phase == Phase.DONE) {
      return;
    }
    phase = Phase.DONE;
    if (decoder != null) {
      decoder.close();
    }
    long now = System.nanoTime();
    if (channel != null) {
      release(reusable);
    }
    boolean streamed = RecordBuilder.streamed(request.stream(), reader.expectedFormat(), format);
    LlmResult result = records.build(timeline, acc, streamed, status, cause, message, resent, now);
    try {
      onDone.accept(result);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "onDone callback of request " + id + " threw", t);
    }
  }

  /**
   * Gives the connection back: to the pool when the exchange ended cleanly ({@code reusable}) on a keep-alive
   * response whose limits allow another request, else closed (then released).
   */
  private void release(boolean reusable) {
    dispatcher.current = null;
    Channel ch = channel;
    boolean keep = false;
    if (reusable && response != null && HttpUtil.isKeepAlive(response) && ch.isActive()) {
      // Connection: close and HTTP/1.0 without keep-alive were excluded above; the Keep-Alive header's
      // timeout and max decide the rest (an exhausted max, or timeout=0, retires it now)
      dispatcher.keepAlive(response.headers().get(HttpHeaderNames.KEEP_ALIVE));
      dispatcher.idleSinceNanos = timeline.lastByteNanos() >= 0 ? timeline.lastByteNanos() : System.nanoTime();
      keep = dispatcher.reusableAt(dispatcher.idleSinceNanos);
    }
    if (keep) {
      pool.release(ch);
    } else {
      ch.close().addListener(closed -> pool.release(ch));
    }
  }

  static String describe(Throwable t) {
    return Failures.describe(t);
  }
}
