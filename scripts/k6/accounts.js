// Makes the accounts of a load run before it starts, so that their cost
// (argon2id, slow on purpose) is not measured: USERS accounts with a
// delivery address, ten at a time, their tokens written to TOKENS as JSON.
// scripts/loadtest.sh runs it before scenario.js.
import http from 'k6/http';

const base = __ENV.BASE_URL || 'http://127.0.0.1:8089';
const users = Number(__ENV.USERS || 5);

export const options = { vus: 1, iterations: 1, setupTimeout: '10m', summaryTrendStats: ['avg'] };

function mustBe(r, status, what) {
  if (r.status !== status) throw new Error(`accounts: ${what} = ${r.status} ${r.body}`);
  return r;
}

export function setup() {
  const run = Math.random().toString(36).slice(2, 10);
  const password = `k6-${run}-password`;
  const json = { headers: { 'Content-Type': 'application/json' } };
  const tokens = [];
  for (let from = 0; from < users; from += 10) {
    const batch = [];
    for (let i = from; i < Math.min(users, from + 10); i++) batch.push(i);
    const email = (i) => `k6-${run}-${i}@example.com`;
    http.batch(batch.map((i) => ['POST', `${base}/api/users`, JSON.stringify({ email: email(i), name: `Load ${i}`, password }), json]))
      .forEach((r) => mustBe(r, 201, 'sign up'));
    const logins = http.batch(batch.map((i) => ['POST', `${base}/api/auth/login`, JSON.stringify({ email: email(i), password }), json]))
      .map((r) => mustBe(r, 200, 'sign in').json('token'));
    http.batch(logins.map((t, j) => ['PUT', `${base}/api/users/me/address`,
      JSON.stringify({ line1: `${batch[j]} Load Street`, city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' }),
      { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${t}` } }]))
      .forEach((r) => mustBe(r, 200, 'address'));
    tokens.push(...logins);
  }
  return tokens;
}

export default function () {}

export function handleSummary(data) {
  return {
    [__ENV.TOKENS]: JSON.stringify(data.setup_data),
    stdout: `${data.setup_data.length} accounts made\n`,
  };
}
