package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A performance model of the server, fitted from a run's own records ({@code summary.json → capacity.model},
 * SPEC "Additions"). Fitted by {@code io.llmgatling.capacity}; a plain record here so that the summary schema
 * does not depend on the fitting code.
 *
 * @param slots                requests the server runs at once (where queueing starts)
 * @param serviceMs            time a request holds a slot (prefill + decode), over the run's requests
 * @param prefillTokensPerSec  prompt tokens evaluated per second by one request
 * @param decodeTokensPerSec   per-stream decode rate keyed by the number of concurrent streams ("1", "2", ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"slots", "serviceMs", "prefillTokensPerSec", "decodeTokensPerSec"})
public record ServerModel(Integer slots, Pct serviceMs, Double prefillTokensPerSec,
                          Map<String, Double> decodeTokensPerSec) {
}
