package io.llmgatling.capacity;

/**
 * One request of the run as the queueing simulation replays it: drawn (seeded) from the run's own requests.
 *
 * @param task          task name (for task-scoped SLOs)
 * @param promptTokens  prompt tokens (0 when unknown)
 * @param outputTokens  output tokens (at least 1)
 * @param capped        whether the answer ended on its token limit ({@code finishReason} length), so a higher
 *                      limit would make it longer
 */
public record Sample(String task, int promptTokens, int outputTokens, boolean capped) {
}
