// The shop's load scenario, for k6 (scripts/loadtest.sh runs it; see
// docs/performance.md). Each virtual user has an account of its own, made
// before by accounts.js (not measured: signing up hashes a password, slowly
// on purpose), and then, over and over: lists a page of books by votes (the next page on the
// next iteration, back to the first after PAGES pages), gets one of them,
// reviews it, orders three books of the page, lists its orders and gets the
// new one. A failed step ends the iteration, since the next steps need its
// answer.
//
// Environment: BASE_URL (http://127.0.0.1:8089), PROFILE (smoke, load, or
// stages DURATION:USERS,... as 30s:20,1m:20), PAGE_SIZE (100), PAGES (5),
// P95_MS (500), P99_MS (1000), TOKENS (accounts.js's file), SUMMARY (a
// file for the request count, read by loadtest.sh for the CPU per request).
import http from 'k6/http';
import { check } from 'k6';
import { report } from './summary.js';

const base = __ENV.BASE_URL || 'http://127.0.0.1:8089';
const pageSize = Number(__ENV.PAGE_SIZE || 100);
const pages = Number(__ENV.PAGES || 5);
const profiles = {
  smoke: '0s:5,30s:5', // the whole scenario works, under a light load
  load: '30s:20,1m:20,30s:50,1m:50,30s:80,1m:80', // a steady minute at 20, 50 and 80 users
};

function stagesOf(spec) {
  return (profiles[spec] || spec).split(',').map((part) => {
    const [duration, users] = part.trim().split(':');
    return { duration: duration.trim(), target: Number(users) };
  });
}

const stages = stagesOf(__ENV.PROFILE || 'smoke');
const maxUsers = Math.max(...stages.map((s) => s.target));

// The requests, by the name each is reported under.
const routes = [
  'GET /api/books?sort=votes',
  'GET /api/books/{id}',
  'POST /api/books/{id}/reviews',
  'POST /api/orders',
  'GET /api/orders',
  'GET /api/orders/{id}',
];

const thresholds = {
  http_req_failed: ['rate<0.001'],
  http_req_duration: [`p(95)<${__ENV.P95_MS || 500}`, `p(99)<${__ENV.P99_MS || 1000}`],
};
for (const r of routes) { // reported per request, never failing
  thresholds[`http_req_duration{name:${r}}`] = ['max>=0'];
  thresholds[`http_req_failed{name:${r}}`] = ['rate>=0'];
}

export const options = {
  scenarios: { shop: { executor: 'ramping-vus', startVUs: 0, stages, gracefulRampDown: '10s' } },
  thresholds,
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
};

function authed(token, extra) {
  return { headers: Object.assign({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, extra || {}) };
}

// The accounts accounts.js made, one per virtual user.
const tokens = JSON.parse(open(__ENV.TOKENS));

let cursor = '';
let page = 0;

function ok(r, want) {
  return check(r, { [`${r.request.method} ${r.status === want ? 'ok' : 'failed'}`]: (res) => res.status === want }) && r.status === want;
}

export default function () {
  const token = tokens[(__VU - 1) % tokens.length];
  let q = `sort=votes&pageSize=${pageSize}`;
  if (cursor) q += `&cursor=${encodeURIComponent(cursor)}`;
  const list = http.get(`${base}/api/books?${q}`, { tags: { name: routes[0] } });
  if (!ok(list, 200)) {
    cursor = '';
    page = 0;
    return;
  }
  const body = list.json();
  page++;
  if (!body.nextCursor || page >= pages) {
    cursor = '';
    page = 0;
  } else {
    cursor = body.nextCursor;
  }
  const items = body.items || [];
  if (items.length === 0) return;

  const book = items[Math.floor(Math.random() * items.length)].id;
  if (!ok(http.get(`${base}/api/books/${book}`, { tags: { name: routes[1] } }), 200)) return;
  const review = { numStars: 1 + Math.floor(Math.random() * 5), comment: 'Written by the load test.' };
  if (!ok(http.post(`${base}/api/books/${book}/reviews`, JSON.stringify(review), Object.assign(authed(token), { tags: { name: routes[2] } })), 201)) return;

  const lines = [];
  for (const it of items.slice().sort(() => Math.random() - 0.5)) {
    if (it.actualPrice > 0) { // a book with price 0 is not for sale
      lines.push({ bookId: it.id, quantity: 1 + Math.floor(Math.random() * 2) });
      if (lines.length === 3) break;
    }
  }
  if (lines.length === 0) return;
  const key = `${__VU}-${__ITER}-${Math.random().toString(36).slice(2)}`;
  const placed = http.post(`${base}/api/orders`, JSON.stringify({ lines, acceptTerms: true }),
    Object.assign(authed(token, { 'Idempotency-Key': key }), { tags: { name: routes[3] } }));
  if (!ok(placed, 201)) return;
  if (!ok(http.get(`${base}/api/orders`, Object.assign(authed(token), { tags: { name: routes[4] } })), 200)) return;
  ok(http.get(`${base}/api/orders/${placed.json('id')}`, Object.assign(authed(token), { tags: { name: routes[5] } })), 200);
}

export function handleSummary(data) {
  return report(data, routes);
}
