#!/usr/bin/env bash
# Benchmark of the LLM report: LlmReport.generate over 1,000,000 synthetic request records (a realistic mix with
# inter-chunk gaps), in a JVM capped at -Xmx512m; time and peak RSS from /usr/bin/time -v.
# Usage: bench/report.sh [RECORDS]   (default 1000000). Writes bench/results/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-1000000}"
heap="${REPORT_BENCH_HEAP:-512m}"
work="target/bench-report/run-$records"
mkdir -p bench/results target/bench-report

if [[ -n "${BENCH_CP:-}" ]]; then  # bench/run builds once and passes the test classpath
  cp="$BENCH_CP"
else
  mvn -q test-compile
  cp="target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
fi

if [[ ! -s "$work/requests.jsonl" ]]; then
  echo "generating $records records into $work"
  rm -rf "$work"
  java -cp "$cp" io.llmgatling.report.SyntheticRuns "$work" "$records"
fi

out=bench/results/report.txt
{
  echo "# LlmReport.generate benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "records: $records; requests.jsonl: $(du -h "$work/requests.jsonl" | cut -f1); heap: -Xmx$heap; cores: $(nproc)"
  /usr/bin/time -v java "-Xmx$heap" -cp "$cp" io.llmgatling.report.ReportBench "$work" 2>target/bench-report/time.txt
  grep -E "Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU" target/bench-report/time.txt
  echo "index.html: $(du -h "$work/index.html" | cut -f1); summary.json: $(du -h "$work/summary.json" | cut -f1)"
} | tee "$out"
