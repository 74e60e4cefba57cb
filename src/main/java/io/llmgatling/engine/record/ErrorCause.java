package io.llmgatling.engine.record;

/** The error causes of the external contract (SPEC "Error causes"), as written in records and summaries. */
public final class ErrorCause {
  public static final String CONNECT = "connect";
  public static final String TIMEOUT = "timeout";
  public static final String STREAM_DROPPED = "stream_dropped";
  public static final String STREAM_ERROR = "stream_error";
  public static final String MALFORMED = "malformed";
  public static final String CHECK = "check";

  private ErrorCause() {
  }

  /** {@code http_<status>}, e.g. {@code http_503}. */
  public static String http(int status) {
    return "http_" + status;
  }
}
