package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void should_write_created_at_as_iso_instant_writes_a_millisecond_instant() {
    SplittableRandom random = new SplittableRandom(7);
    Timestamps stamps = new Timestamps();
    for (int i = 0; i < 10_000; i++) {
      long millis = random.nextLong(0, 253_402_300_799_999L); // up to 9999-12-31T23:59:59.999Z
      assertThat(format(stamps, millis)).as("%d", millis)
          .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis)));
    }
    assertThat(format(stamps, 1_764_495_633_000L)).isEqualTo("2025-11-30T09:40:33Z");
    assertThat(format(stamps, 1_764_495_633_007L)).isEqualTo("2025-11-30T09:40:33.007Z");
  }

  @Test
  void should_patch_only_the_milliseconds_within_a_second_and_reformat_across_seconds() {
    // one thread's buffer over a run of consecutive milliseconds, across second and day boundaries
    Timestamps stamps = new Timestamps();
    long start = Instant.parse("2026-12-31T23:59:58.990Z").toEpochMilli();
    for (long m = start; m < start + 2_100; m++) {
      assertThat(format(stamps, m)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(m)));
    }
  }

  private static String format(Timestamps stamps, long epochMillis) {
    return new String(stamps.at(epochMillis), StandardCharsets.US_ASCII);
  }
}
