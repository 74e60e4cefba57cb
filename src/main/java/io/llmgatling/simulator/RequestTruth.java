package io.llmgatling.simulator;

/**
 * What really happened to one request inside the simulator, on the simulator JVM's {@link System#nanoTime()}
 * clock (the same clock as an in-process load generator's). Times that did not happen are -1.
 *
 * @param requestId         the incoming {@code X-Request-Id} header, null when absent
 * @param method            HTTP method
 * @param path              request path (without query)
 * @param model             model asked for (null when none)
 * @param api               API family served: ollama | openai | lmstudio | llamacpp | none
 * @param stream            whether the answer was streamed
 * @param status            HTTP status sent (0 when the connection closed before any)
 * @param arrivalNanos      the complete request was read
 * @param slotAcquiredNanos a generation slot was granted (after any queueing and model load)
 * @param firstTokenNanos   the first content chunk was written (streams) or generated (non-streamed)
 * @param tokenNanos        for each content chunk, when it was written ({@code writeAndFlush}); for
 *                          non-streamed answers, when each token was generated (the body is written at the end)
 * @param endNanos          the last byte was written (or the request was abandoned)
 * @param promptTokens      prompt tokens counted
 * @param outputTokens      tokens generated
 * @param fault             the injected fault ({@link Faults} names), null when none
 * @param reasoningTokens   of {@code outputTokens}, those of the thinking phase (0 without one)
 */
public record RequestTruth(
    String requestId,
    String method,
    String path,
    String model,
    String api,
    boolean stream,
    int status,
    long arrivalNanos,
    long slotAcquiredNanos,
    long firstTokenNanos,
    long[] tokenNanos,
    long endNanos,
    int promptTokens,
    int outputTokens,
    String fault,
    int reasoningTokens) {

  /** The truth of a request without a thinking phase. */
  public RequestTruth(String requestId, String method, String path, String model, String api, boolean stream,
      int status, long arrivalNanos, long slotAcquiredNanos, long firstTokenNanos, long[] tokenNanos, long endNanos,
      int promptTokens, int outputTokens, String fault) {
    this(requestId, method, path, model, api, stream, status, arrivalNanos, slotAcquiredNanos, firstTokenNanos,
        tokenNanos, endNanos, promptTokens, outputTokens, fault, 0);
  }

  /** Time spent waiting for a slot (queue and load), in nanoseconds, or -1. */
  public long queueNanos() {
    return slotAcquiredNanos < 0 ? -1 : slotAcquiredNanos - arrivalNanos;
  }
}
