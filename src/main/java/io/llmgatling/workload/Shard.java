package io.llmgatling.workload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This injector's part of a run split over several machines: shard {@code index} of {@code count}
 * takes 1/count of the load.
 *
 * @param index 1-based position, 1 &lt;= index &lt;= count
 * @param count number of shards, &gt;= 1
 */
public record Shard(int index, int count) {

  /** The whole run on one injector. */
  public static final Shard SINGLE = new Shard(1, 1);

  private static final Pattern SHARD = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*");

  public Shard {
    if (count < 1 || index < 1 || index > count) {
      throw new IllegalArgumentException("shard " + index + "/" + count + " needs 1 <= i <= n");
    }
  }

  /**
   * Parses {@code i/n}.
   *
   * @throws IllegalArgumentException with a one-line message when it is not {@code i/n} with 1 &lt;= i &lt;= n
   */
  public static Shard parse(String text) {
    Matcher m = SHARD.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not i/n with 1 <= i <= n (e.g. 1/1, 2/4)");
    }
    int index = Integer.parseInt(m.group(1));
    int count = Integer.parseInt(m.group(2));
    if (count < 1 || index < 1 || index > count) {
      throw new IllegalArgumentException("'" + text + "' is not i/n with 1 <= i <= n (e.g. 1/1, 2/4)");
    }
    return new Shard(index, count);
  }

  /** The fraction of the load this shard injects. */
  public double share() {
    return 1.0 / count;
  }

  /** Whether the run is split at all. */
  public boolean isSplit() {
    return count > 1;
  }

  /**
   * This shard's part of a whole number of users: an even split with the remainder going to the first
   * shards, so that the parts always add up to {@code total}.
   */
  public int partOf(int total) {
    return total / count + (index <= total % count ? 1 : 0);
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
