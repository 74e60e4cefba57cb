package io.llmgatling.capacity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A performance model of the server, fitted from a run's own records ({@code summary.json → capacity.model},
 * SPEC "Additions"), fitted by {@link ServerFit}; a plain record, which the report writes as it is (the report
 * depends on capacity, never the reverse). The method: docs/capacity-model.md.
 *
 * @param slots                requests the server runs at once (where queueing starts)
 * @param serviceMs            time a request holds a slot (prefill + decode), over the run's requests
 * @param prefillTokensPerSec  prompt tokens evaluated per second by one request
 * @param decodeTokensPerSec   per-stream decode rate keyed by the number of concurrent streams ("1", "2", ...)
 * @param overheadMs           fixed part of every prefill (ms), beside the per-token rate
 * @param batchSlowdown        b of decode(n) = decode(1) / (1 + b (n − 1)), the simulator's {@code batchSlowdown}
 * @param slotsFrom            how {@code slots} was found: server (its own report), queueing (where requests
 *                             began to wait) or inFlight (no request waited: the most seen at once, a lower bound)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"slots", "slotsFrom", "serviceMs", "prefillTokensPerSec", "overheadMs", "decodeTokensPerSec",
    "batchSlowdown"})
public record ServerModel(Integer slots, Pct serviceMs, Double prefillTokensPerSec,
                          Map<String, Double> decodeTokensPerSec, Double overheadMs, Double batchSlowdown,
                          String slotsFrom) {

  @JsonCreator
  public ServerModel {
  }

  /** The fields the SPEC names. */
  public ServerModel(Integer slots, Pct serviceMs, Double prefillTokensPerSec,
                     Map<String, Double> decodeTokensPerSec) {
    this(slots, serviceMs, prefillTokensPerSec, decodeTokensPerSec, null, null, null);
  }
}
