package io.llmgatling.capacity;

import java.util.List;

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

  /**
   * The requests with another answer limit ({@code whatif --max-tokens}): answers that ended on the run's limit would
   * have gone on, so they get the new limit; answers that ended on their own keep their length, cut to the limit.
   */
  public static List<Sample> withMaxTokens(List<Sample> samples, int maxTokens) {
    return samples.stream().map(s -> new Sample(s.task(), s.promptTokens(),
        s.capped() ? maxTokens : Math.min(s.outputTokens(), maxTokens), s.capped())).toList();
  }
}
