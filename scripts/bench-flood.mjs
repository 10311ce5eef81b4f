// The endpoint under an anonymous flood. A signed-in terminal reads `GET /readers` one request
// after another, first alone (the peer: the same endpoint in the same run), then while 32 clients
// send wrong sign-ins as fast as they are answered and 10 more upload 60 MB bodies slowly, without
// a session. Prints the terminal's p95 under the flood over its p95 alone, and the server's peak
// resident memory (VmHWM) over the whole run. The endpoint is the release build with a SQLite
// database and the standard password cost, run twice: with no per-client limit of failed sign-ins
// (the password checks' pool alone must hold) and with the default limit.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer } from '../tests/e2e/support/server.mjs';
import { mib, ms, numberArg, quantile, table } from './bench-support.mjs';

const reads = numberArg('--runs', 400, 100);
const FLOODERS = 32;
const UPLOADS = 10;
const UPLOAD_BYTES = 60 * 1024 * 1024;
const CHUNK = 64 * 1024;
const CHUNK_EVERY_MS = 50;

/** One HTTP request and its whole answer: { status, body }. */
function request(url, { method = 'GET', headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's resident memory now and its peak so far, in bytes. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** `reads` sequential `GET /readers` of a signed-in terminal; their durations in ms. */
async function readerLatencies(base, token, agent) {
  const durations = [];
  for (let i = 0; i < reads; i += 1) {
    const started = performance.now();
    const answer = await request(`${base}/onshi/v1/readers`, { headers: { authorization: `Bearer ${token}` }, agent });
    durations.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`GET /readers answered ${answer.status}: ${answer.body}`);
  }
  return durations;
}

/** Wrong sign-ins, one after another, until `stop.now`; counts answers by status. */
async function flooder(base, agent, stop, counts) {
  while (!stop.now) {
    const user = `guess-${Math.random().toString(36).slice(2, 10)}`;
    try {
      const answer = await request(`${base}/onshi/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: user, password: 'Wrong*pass*1', force: true }),
        agent,
      });
      counts[answer.status] = (counts[answer.status] ?? 0) + 1;
    } catch {
      counts.error = (counts.error ?? 0) + 1;
    }
  }
}

/** Anonymous 60 MB uploads sent in slow chunks, one after another, until `stop.now`. */
async function slowUploader(base, stop, counts) {
  while (!stop.now) {
    await new Promise((resolve) => {
      let sent = 0;
      let timer;
      const finish = (outcome) => {
        clearInterval(timer);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        counts.bytes = (counts.bytes ?? 0) + sent;
        resolve();
      };
      const req = http.request(`${base}/onshi/v1/bulk/qualifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'content-length': UPLOAD_BYTES },
        agent: false,
      });
      req.on('response', (res) => {
        res.resume();
        req.destroy();
        finish(res.statusCode);
      });
      req.on('error', () => finish('cut'));
      const chunk = Buffer.alloc(CHUNK, 0x3c);
      timer = setInterval(() => {
        if (stop.now || sent >= UPLOAD_BYTES) {
          req.destroy();
          return;
        }
        sent += CHUNK;
        req.write(chunk);
      }, CHUNK_EVERY_MS);
    });
  }
}

async function scenario(limit) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onshi-flood-'));
  const server = await startServer({
    binary: path.join(repoRoot, 'target/server/onshi-server'),
    extraArgs: ['--training', '--database', path.join(dir, 'flood.sqlite3'), '--failed-sign-ins-per-minute', String(limit)],
  });
  try {
    const terminal = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const signedIn = await request(`${server.url}/onshi/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: '002', password: 'Onshi*002*002', force: true }),
      agent: terminal,
    });
    if (signedIn.status !== 201) throw new Error(`signing in answered ${signedIn.status}: ${signedIn.body}`);
    const { token } = JSON.parse(signedIn.body);
    await readerLatencies(server.url, token, terminal); // warm-up
    const alone = await readerLatencies(server.url, token, terminal);
    const memoryAlone = memory(server.pid);

    const stop = { now: false };
    const signIns = {};
    const uploads = {};
    const floodAgent = new http.Agent({ keepAlive: true, maxSockets: FLOODERS });
    const flood = [
      ...Array.from({ length: FLOODERS }, () => flooder(server.url, floodAgent, stop, signIns)),
      ...Array.from({ length: UPLOADS }, () => slowUploader(server.url, stop, uploads)),
    ];
    let rssMax = 0;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, memory(server.pid).rss);
    }, 100);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the flood under way
    const flooded = await readerLatencies(server.url, token, terminal);
    stop.now = true;
    await Promise.all(flood);
    clearInterval(sampler);
    const { peak } = memory(server.pid);
    floodAgent.destroy();
    terminal.destroy();
    return { limit, alone, flooded, memoryAlone, rssMax, peak, signIns, uploads };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const limit of [0, 30]) results.push(await scenario(limit));

const p95 = (xs) => quantile(xs, 0.95);
console.log(`\n### Signed-in \`GET /readers\` under an anonymous flood (${reads} reads each; ${FLOODERS} sign-in loops, ${UPLOADS} slow 60 MB uploads)\n`);
console.log(
  table(
    ['failed sign-ins per client and minute', 'p95 alone', 'p95 flooded', 'ratio (≤ 3×)', 'median alone', 'median flooded', 'peak RSS (≤ 256 MiB)'],
    results.map((r) => [
      r.limit === 0 ? 'no limit (the pool alone)' : `${r.limit} (default)`,
      ms(p95(r.alone)),
      ms(p95(r.flooded)),
      `${(p95(r.flooded) / p95(r.alone)).toFixed(2)}×`,
      ms(quantile(r.alone, 0.5)),
      ms(quantile(r.flooded, 0.5)),
      mib(r.peak),
    ]),
  ),
);
console.log('');
for (const r of results) {
  const statuses = Object.entries(r.signIns).map(([k, v]) => `${k}: ${v}`).join(', ');
  const uploads = Object.entries(r.uploads)
    .filter(([k]) => k !== 'bytes')
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  console.log(
    `- limit ${r.limit}: sign-ins answered ${statuses}; uploads answered ${uploads}, ${mib(r.uploads.bytes ?? 0)} sent in all; RSS alone ${mib(r.memoryAlone.rss)}, highest sampled under the flood ${mib(r.rssMax)}`,
  );
}
