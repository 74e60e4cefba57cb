package io.llmgatling.simulator;

/**
 * Fault injection, all off by default. Rates are probabilities in [0, 1], drawn per request from the
 * seeded random source so a run can be replayed. At most one fault is applied to a request; they are
 * tried in the order of the parameters.
 *
 * @param errorRate       answer HTTP 500 instead of serving
 * @param busyRate        answer HTTP 503 (the server's "busy" answer) instead of serving
 * @param slowHeadersRate wait {@code slowHeadersMs} before doing anything (headers come late)
 * @param slowHeadersMs   delay of a slow-headers fault
 * @param stallRate       stop sending for {@code stallMs} in the middle of a stream, then carry on
 * @param stallMs         length of a stall
 * @param disconnectRate  close the connection in the middle of a stream (no final chunk)
 * @param errorLineRate   write the server's error object inside the 200 stream and end it
 * @param malformedRate   write one unparseable chunk in the middle of a stream, then carry on
 */
public record Faults(
    double errorRate,
    double busyRate,
    double slowHeadersRate,
    long slowHeadersMs,
    double stallRate,
    long stallMs,
    double disconnectRate,
    double errorLineRate,
    double malformedRate) {

  /** Names written in {@link RequestTruth#fault()}. */
  public static final String ERROR = "error";
  public static final String BUSY = "busy";
  public static final String SLOW_HEADERS = "slow_headers";
  public static final String STALL = "stall";
  public static final String DISCONNECT = "disconnect";
  public static final String ERROR_LINE = "error_line";
  public static final String MALFORMED = "malformed";

  public static final Faults NONE = new Faults(0, 0, 0, 2000, 0, 5000, 0, 0, 0);

  public Faults {
    for (double r : new double[] {errorRate, busyRate, slowHeadersRate, stallRate, disconnectRate, errorLineRate,
        malformedRate}) {
      if (r < 0 || r > 1 || Double.isNaN(r)) {
        throw new IllegalArgumentException("fault rates must be between 0 and 1, got " + r);
      }
    }
    if (slowHeadersMs < 0 || stallMs < 0) {
      throw new IllegalArgumentException("fault delays must be >= 0");
    }
  }

  /** Whether any fault can happen. */
  public boolean any() {
    return errorRate + busyRate + slowHeadersRate + stallRate + disconnectRate + errorLineRate + malformedRate > 0;
  }

  /**
   * Picks the fault of one request from one uniform draw in [0, 1): the rates partition the interval, so
   * the sum of the rates is the probability of some fault (capped at 1).
   */
  public String pick(double uniform) {
    double edge = 0;
    edge += errorRate;
    if (uniform < edge) {
      return ERROR;
    }
    edge += busyRate;
    if (uniform < edge) {
      return BUSY;
    }
    edge += slowHeadersRate;
    if (uniform < edge) {
      return SLOW_HEADERS;
    }
    edge += stallRate;
    if (uniform < edge) {
      return STALL;
    }
    edge += disconnectRate;
    if (uniform < edge) {
      return DISCONNECT;
    }
    edge += errorLineRate;
    if (uniform < edge) {
      return ERROR_LINE;
    }
    edge += malformedRate;
    if (uniform < edge) {
      return MALFORMED;
    }
    return null;
  }
}
