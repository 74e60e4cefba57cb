package io.llmgatling.engine.client;

import io.llmgatling.engine.record.ErrorCause;

/**
 * How an exchange's failures are classified and worded: the record's {@code cause} and {@code message} for
 * each way an exchange can fail, in one place. Pure functions.
 */
final class Failures {
  private static final int MAX_QUOTED_CHARS = 200;

  /** A failure's cause (SPEC error cause) and message. */
  record Failure(String cause, String message) {
  }

  private Failures() {
  }

  /** The connection closed (or broke without a word) in {@code phase}. */
  static Failure closed(Exchange.Phase phase, String url, int status, int contentChunks) {
    return switch (phase) {
      case CONNECTING, WRITING -> closedBeforeSent(url);
      case AWAITING_HEADERS -> new Failure(ErrorCause.STREAM_DROPPED,
          "connection to " + url + " closed before the response headers");
      case ERROR_BODY -> new Failure(ErrorCause.http(status),
          "HTTP " + status + " from " + url + ", connection closed mid-body");
      case STREAMING_BODY, DONE -> new Failure(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed after "
          + contentChunks + " content chunks, before the stream's end");
    };
  }

  static Failure closedBeforeSent(String url) {
    return new Failure(ErrorCause.STREAM_DROPPED, "connection to " + url + " closed before the request was sent");
  }

  static Failure writeFailed(String url, Throwable cause) {
    return new Failure(ErrorCause.STREAM_DROPPED,
        "connection to " + url + " failed while sending the request: " + describe(cause));
  }

  static Failure invalidHttp(String url, Throwable cause) {
    return new Failure(ErrorCause.MALFORMED, "invalid HTTP response from " + url + ": " + describe(cause));
  }

  /** An I/O error on the connection (reset, broken pipe). */
  static Failure broke(String url, Throwable cause) {
    return new Failure(ErrorCause.STREAM_DROPPED, "connection to " + url + " broke: " + describe(cause));
  }

  /** Any other exception while reading the response. */
  static Failure unreadable(String url, Throwable cause) {
    return new Failure(ErrorCause.MALFORMED, "cannot read the response from " + url + ": " + describe(cause));
  }

  static Failure tooLarge(String url, long maxResponseBytes) {
    return new Failure(ErrorCause.MALFORMED, "response from " + url + " exceeds the limit of " + maxResponseBytes
        + " bytes (maxResponseBytes)");
  }

  /** An error object or event inside a successful stream. */
  static Failure streamError(String url, String error) {
    return new Failure(ErrorCause.STREAM_ERROR, "error inside the stream from " + url + ": " + error);
  }

  /** An error object in a successful non-streamed body. */
  static Failure answerError(String url, String error) {
    return new Failure(ErrorCause.STREAM_ERROR, "error in the answer from " + url + ": " + error);
  }

  static Failure noEndMarker(String url, int contentChunks, String endMarker) {
    return new Failure(ErrorCause.STREAM_DROPPED, "response from " + url + " ended after " + contentChunks
        + " content chunks without the stream's end marker (" + endMarker + ")");
  }

  /** An HTTP error status with the server's message (or the quoted body, or the reason phrase). */
  static Failure httpError(int status, String url, String serverMessage) {
    return new Failure(ErrorCause.http(status), "HTTP " + status + " from " + url + ": " + serverMessage);
  }

  /** The body's text, on one line, cut at 200 characters, in single quotes. */
  static String quote(String text) {
    String oneLine = text.replace("\n", "\\n").replace("\r", "\\r");
    return "'" + (oneLine.length() > MAX_QUOTED_CHARS ? oneLine.substring(0, MAX_QUOTED_CHARS) + "..." : oneLine) + "'";
  }

  /** The root cause's message, else its class name. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage();
    return text == null || text.isBlank() ? root.getClass().getSimpleName() : text;
  }
}
