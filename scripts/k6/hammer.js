// One request, as fast as CONNS virtual users can send it, for SECONDS: the
// throughput and latency of a single endpoint (make bench-http). URL may
// hold {bookId}, replaced on each request by one of the first hundred books
// of the catalogue.
import http from 'k6/http';
import { check } from 'k6';
import { report } from './summary.js';

const url = __ENV.URL;
const name = __ENV.NAME || url;

export const options = {
  scenarios: { hammer: { executor: 'constant-vus', vus: Number(__ENV.CONNS || 50), duration: `${__ENV.SECONDS || 20}s` } },
  thresholds: { http_req_failed: ['rate<0.001'], [`http_req_duration{name:${name}}`]: ['max>=0'], [`http_req_failed{name:${name}}`]: ['rate>=0'] },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  discardResponseBodies: true,
};

export function setup() {
  if (!url.includes('{bookId}')) return { ids: [] };
  const base = url.slice(0, url.indexOf('/api/'));
  const r = http.get(`${base}/api/books?sort=votes&pageSize=100`, { responseType: 'text' });
  if (r.status !== 200) throw new Error(`set-up: the book list = ${r.status}`);
  return { ids: r.json('items').map((b) => b.id) };
}

export default function (data) {
  const u = data.ids.length ? url.replace('{bookId}', data.ids[Math.floor(Math.random() * data.ids.length)]) : url;
  const r = http.get(u, { tags: { name } });
  check(r, { 'status 200': (res) => res.status === 200 });
}

export function handleSummary(data) {
  return report(data, [name]);
}
