package io.llmgatling.engine.client;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.engine.record.RunClock;

/**
 * Computes every figure of a request's {@link RequestRecord} (client delay, headers, TTFT, E2E, ITL, TPOT, chunk
 * gaps, tokens, queue, outcome) from an exchange's {@link Timeline}, what the API read into the
 * {@link ResponseAccumulator}, and the outcome. Pure: no clock (the caller passes {@code nowNanos}) and no I/O.
 * See {@link RequestRecord} for each figure's definition.
 */
final class RecordBuilder {
  private final long id;
  private final LlmRequest request;
  private final long intendedNanos;
  private final long attemptNanos;

  /**
   * @param id            the record's id
   * @param request       the request
   * @param intendedNanos when the request was meant to start
   * @param attemptNanos  when the client took it up (the "sent" of a request never sent)
   */
  RecordBuilder(long id, LlmRequest request, long intendedNanos, long attemptNanos) {
    this.id = id;
    this.request = request;
    this.intendedNanos = intendedNanos;
    this.attemptNanos = attemptNanos;
  }

  /**
   * Whether the answer counts as streamed: asked for, expected by the API as a stream, and not answered as one
   * JSON document.
   *
   * @param received the framing of the answer received (null: none)
   */
  static boolean streamed(boolean requested, WireFormat expected, WireFormat received) {
    return requested && received != WireFormat.JSON && expected != WireFormat.JSON;
  }

  /**
   * The result of the exchange.
   *
   * @param t        the exchange's stamps
   * @param acc      what the API read from the answer
   * @param streamed see {@link #streamed}
   * @param status   the HTTP status (0: no response)
   * @param cause    the failure's cause, null when it succeeded
   * @param message  the failure's message
   * @param retried  whether it was sent once more on a new connection
   * @param nowNanos when it ended (the end of a failed exchange; a successful one ends at its last byte)
   */
  LlmResult build(Timeline t, ResponseAccumulator acc, boolean streamed, int status, String cause, String message,
      boolean retried, long nowNanos) {
    long endNanos = cause == null && t.lastByteNanos() >= 0 ? t.lastByteNanos() : nowNanos;
    boolean sent = t.isSent();
    long sentAt = sent ? t.sentNanos() : attemptNanos;
    int tokenCount = t.tokenCount();
    Double e2e = ms(endNanos - sentAt);
    Double ttft = streamed && tokenCount > 0 ? ms(t.tokenNanos(0) - sentAt) : null;

    Integer outputTokens;
    String tokensSource;
    if (acc.serverOutputTokens() != null) {
      outputTokens = acc.serverOutputTokens();
      tokensSource = "server";
    } else if (streamed && t.hasHeaders()) {
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
        itl = ms((t.tokenNanos(tokenCount - 1) - t.tokenNanos(0)) / (double) (outputTokens - 1));
      }
      tpot = round((e2e - ttft) / (outputTokens - 1));
    }
    double[] gaps = null;
    if (streamed && tokenCount >= 2) {
      gaps = new double[tokenCount - 1];
      for (int i = 1; i < tokenCount; i++) {
        gaps[i - 1] = ms(t.tokenNanos(i) - t.tokenNanos(i - 1));
      }
    }
    Double queue = acc.queueMs();
    if (queue == null && acc.serverBusyMs() != null && cause == null) {
      // the server's busy time (prefill + decode) ends with its last token, not with the trailing
      // finish/usage/[DONE] chunks: measure up to the last token so those do not count as queue
      long busyEnd = streamed && tokenCount > 0 ? t.tokenNanos(tokenCount - 1) : endNanos;
      queue = round(Math.max(0.0, ms(busyEnd - sentAt) - acc.serverBusyMs()));
    }
    RequestRecord record = new RequestRecord(
        id, request.task(), request.model(), request.api().id(), request.operation().id(), request.stream(),
        RunClock.epochMillis(intendedNanos),
        sent ? ms(t.sentNanos() - intendedNanos) : null,
        t.hasHeaders() ? ms(t.headersNanos() - sentAt) : null,
        ttft, e2e, itl, tpot, gaps,
        acc.promptTokens(), outputTokens, tokensSource,
        streamed ? acc.contentChunks() : null,
        round(queue), round(acc.loadMs()), round(acc.promptEvalMs()), round(acc.evalMs()), round(acc.serverTotalMs()),
        status > 0 ? status : null,
        cause == null, cause, message, acc.finishReason(), retried, acc.cachedTokens(), false);
    return new LlmResult(record, acc.text(), acc.embeddings(), acc.dimensions(),
        RunClock.epochMillis(sentAt),
        tokenCount > 0 ? RunClock.epochMillis(t.tokenNanos(0)) : -1,
        RunClock.epochMillis(endNanos));
  }

  /** Nanoseconds to milliseconds rounded to the microsecond. */
  private static Double ms(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  private static Double round(Double ms) {
    return ms == null ? null : Math.round(ms * 1_000.0) / 1_000.0;
  }
}
