package io.llmgatling.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Wall-clock stamps for {@code created_at} fields (RFC 3339, UTC, milliseconds), one buffer per thread. The
 * date and time of day are formatted once a second; each millisecond only rewrites three digits. Formatting
 * the whole instant every millisecond on every event loop was the simulator's largest allocation in the
 * timing benchmark, where client and simulator share a heap and so their GC pauses.
 */
public final class Timestamps {
  private static final ThreadLocal<Timestamps> PER_THREAD = ThreadLocal.withInitial(Timestamps::new);
  private static final int WHOLE_SECOND = "2026-01-01T00:00:00Z".length();

  private long second = Long.MIN_VALUE;
  private long millis = -1;
  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ}; the digits after the dot change in place. */
  private byte[] withFraction = new byte[WHOLE_SECOND + 4];
  /** {@code yyyy-MM-ddTHH:mm:ssZ}, for an instant on a whole second (as ISO_INSTANT writes it). */
  private byte[] onTheSecond = new byte[WHOLE_SECOND];

  /** Package-private for tests; the simulator uses the per-thread instances. */
  Timestamps() {
  }

  /**
   * The current stamp. The array is this thread's and changes a millisecond later: copy it at once (as a
   * write into a buffer does); never keep it.
   */
  public static byte[] nowBytes() {
    return PER_THREAD.get().at(System.currentTimeMillis());
  }

  public static String now() {
    return new String(nowBytes(), StandardCharsets.US_ASCII);
  }

  /** The stamp of an instant, in this instance's buffer. */
  byte[] at(long epochMillis) {
    if (epochMillis != millis) {
      millis = epochMillis;
      long sec = Math.floorDiv(epochMillis, 1000);
      if (sec != second) {
        second = sec;
        byte[] whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(sec))
            .getBytes(StandardCharsets.US_ASCII);
        if (whole.length != WHOLE_SECOND) {
          // a year past 9999 (or before 0): no fixed layout to patch, format every time
          onTheSecond = whole;
          withFraction = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis))
              .getBytes(StandardCharsets.US_ASCII);
          second = Long.MIN_VALUE;
          return Math.floorMod(epochMillis, 1000) == 0 ? onTheSecond : withFraction;
        }
        onTheSecond = whole;
        if (withFraction.length != WHOLE_SECOND + 4) {
          withFraction = new byte[WHOLE_SECOND + 4];
        }
        System.arraycopy(whole, 0, withFraction, 0, WHOLE_SECOND - 1);
        withFraction[WHOLE_SECOND - 1] = '.';
        withFraction[WHOLE_SECOND + 3] = 'Z';
      }
      int ms = (int) Math.floorMod(epochMillis, 1000);
      withFraction[WHOLE_SECOND] = (byte) ('0' + ms / 100);
      withFraction[WHOLE_SECOND + 1] = (byte) ('0' + ms / 10 % 10);
      withFraction[WHOLE_SECOND + 2] = (byte) ('0' + ms % 10);
    }
    return Math.floorMod(millis, 1000) == 0 ? onTheSecond : withFraction;
  }
}
