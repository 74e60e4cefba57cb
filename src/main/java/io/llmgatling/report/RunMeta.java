package io.llmgatling.report;

import java.util.List;
import java.util.Map;

/** STUB (replaced by the report branch). */
public record RunMeta(String id, String simulation, long startEpochMs, long endEpochMs, String shard,
                      String api, String baseUrl, List<String> models, List<String> slo, String profile,
                      List<LoadStep> steps, boolean partial, String gatlingReport, Map<String, Object> workload) {
}
