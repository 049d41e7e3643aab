-- wrk script for the GET runs (floor and prompt): requests stay wrk's static,
-- pre-built request (no request()/response() hooks, so no Lua per request);
-- done() prints one machine-readable line with exact percentiles in µs.
--
--   wrk -t T -c C -d 10s --latency -H 'Accept: text/html' -s bench/wrk/report.lua URL

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p75":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d,"stdev":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, latency.stdev))
end
