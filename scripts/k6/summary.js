// The end-of-run report of bookapp's k6 scripts: per request name the count,
// errors and latencies (avg, p50, p95, p99, max), then all requests, the
// throughput and each threshold; and, in the file SUMMARY, the request count
// and the duration, for scripts/loadtest.sh's CPU per request.
function ms(v) {
  return v === undefined ? '-' : v.toFixed(1);
}

function row(name, d, failed) {
  const v = d.values;
  const errors = failed ? Math.round(failed.values.rate * v.count) : 0;
  return `${name.padEnd(32)}${String(v.count).padStart(9)}${String(errors).padStart(8)}` +
    [v.avg, v.med, v['p(95)'], v['p(99)'], v.max].map((x) => ms(x).padStart(9)).join('');
}

export function report(data, names) {
  const m = data.metrics;
  const lines = [`${'request'.padEnd(32)}${'count'.padStart(9)}${'errors'.padStart(8)}` +
    ['avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'].map((h) => h.padStart(9)).join('')];
  for (const n of names) {
    const d = m[`http_req_duration{name:${n}}`];
    if (d && d.values.count > 0) lines.push(row(n, d, m[`http_req_failed{name:${n}}`]));
  }
  lines.push(row('all requests', m.http_req_duration, m.http_req_failed));
  const seconds = data.state.testRunDurationMs / 1000;
  const requests = m.http_reqs.values.count;
  lines.push(`throughput: ${(requests / seconds).toFixed(1)} req/s over ${seconds.toFixed(1)}s; errors: ${(100 * m.http_req_failed.values.rate).toFixed(3)} %`);
  for (const [metric, d] of Object.entries(m)) {
    for (const [expr, t] of Object.entries(d.thresholds || {})) {
      if (expr === 'max>=0' || expr === 'rate>=0') continue; // the per-request rows above
      lines.push(`  ${t.ok ? 'ok  ' : 'FAIL'}  ${metric} ${expr}`);
    }
  }
  const out = { stdout: lines.join('\n') + '\n' };
  if (__ENV.SUMMARY) out[__ENV.SUMMARY] = JSON.stringify({ requests, seconds });
  return out;
}
