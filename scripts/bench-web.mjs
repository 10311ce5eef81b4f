// The in-page benchmarks of the core, each against a JavaScript peer in the same page and the same
// run, printed as markdown:
//   history  the training dispatcher's history query over N synthetic records (default 200,000) vs a
//            plain filter and slice over the same rows, with the memory each holds;
//   decode   a 10,000-unit bulk result decoded by our wasm (wire; wire + domain) vs fast-xml-parser and
//            DOMParser with a walk over every node.
// Usage: node scripts/bench-web.mjs history|decode... [--runs N] [--records N] [--units N]
// (runs default to 50 for history, 20 for decode; at least 10)
// Needs target/web-bench/pkg (scripts/bench builds it). Every run is timed by the page's performance.now
// (cross-origin isolated, so to 5 µs), and the contenders alternate so that drift hits all alike.
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch } from '../tests/e2e/support/browser.mjs';
import { repoRoot } from '../tests/e2e/support/server.mjs';
import { heap, mib, median, ms, numberArg, quantile, serveFiles, table } from './bench-support.mjs';

const which = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (!which.length || which.some((w) => !['history', 'decode'].includes(w))) {
  throw new Error('usage: node scripts/bench-web.mjs history|decode... [--runs N] [--records N] [--units N]');
}
// Decoding takes longer per run than a history query, so it has fewer by default.
const historyRuns = numberArg('--runs', 50, 10);
const decodeRuns = numberArg('--runs', 20, 10);
// Untimed history queries first, so that the JIT has compiled the peer's filter (in a probe it had
// after ten).
const WARM_UP = 20;
const records = numberArg('--records', 200_000, 1_000);
const units = numberArg('--units', 10_000, 10);

const web = path.join(repoRoot, 'crates/onshi-web-bench/web');
const pkg = path.join(repoRoot, 'target/web-bench/pkg');
const server = await serveFiles({
  '/': path.join(web, 'index.html'),
  '/bench.mjs': path.join(web, 'bench.mjs'),
  '/pkg/onshi_web_bench.js': path.join(pkg, 'onshi_web_bench.js'),
  '/pkg/onshi_web_bench_bg.wasm': path.join(pkg, 'onshi_web_bench_bg.wasm'),
  '/fxparser.min.js': path.join(repoRoot, 'node_modules/fast-xml-parser/lib/fxparser.min.js'),
});
const browser = await launch();

/** A fresh page with the bench loaded, and a DevTools session on it. */
async function openBench() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(server.url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp, problems };
}

/**
 * Runs each contender `runs` times, alternating, with a pause after each run. No collection is forced
 * between runs: a forced full collection leaves the collector's threads busy and the JIT's code cold
 * for the next run, which slowed every contender several-fold on this two-core machine; a pause lets
 * the last run's concurrent work finish instead, and each contender still pays for its own garbage.
 */
async function alternate(contenders, runs, pauseMs) {
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  const names = Object.keys(contenders);
  for (let i = 0; i < runs; i++) {
    // Rotate who goes first, so no contender always runs right after another's garbage.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      times[name].push((await contenders[name]()).ms);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  return times;
}

async function historyBench() {
  const { context, page, cdp, problems } = await openBench();
  // The two years before the fixed "now" (2026-11-22 09:00 Tokyo) hold the records; the search is one
  // month of 保険証 checks narrowed to 資格有効, page 20 of 20 rows.
  const query = {
    from: '2026-05-01T00:00:00+09:00',
    to: '2026-05-31T23:59:59.999+09:00',
    kind: 'insurance_card',
    narrow: 'valid',
    page: 20,
    perPage: 20,
  };
  const before = await heap(cdp);
  const wasmBefore = await page.evaluate(() => window.bench.wasmMemoryBytes());
  const built = await page.evaluate((n) => window.bench.buildHistory(n), records);
  const withStore = await heap(cdp);
  const wasmAfter = await page.evaluate(() => window.bench.wasmMemoryBytes());
  // Building the peer's rows pages through the dispatcher, which may grow the wasm memory further;
  // the store's figure is taken before.
  const rows = await page.evaluate(() => window.bench.buildPeerRows());
  assert.equal(rows, records, 'the peer holds every record');
  const withRows = await heap(cdp);
  const wasmRows = await page.evaluate(() => window.bench.wasmMemoryBytes());

  // Both must find the same page before either is timed.
  const ours = await page.evaluate((q) => window.bench.historyOurs(q), query);
  const peer = await page.evaluate((q) => window.bench.historyPeer(q), query);
  assert.equal(ours.total, peer.total, 'the same number of matches');
  assert.deepEqual(ours.ids, peer.ids, 'the same page');
  const offset = (query.page - 1) * query.perPage;
  assert.equal(ours.ids.length, Math.max(0, Math.min(query.perPage, ours.total - offset)), 'the page holds its rows');
  for (let i = 0; i < WARM_UP; i++) {
    await page.evaluate((q) => window.bench.historyOurs(q), query);
    await page.evaluate((q) => window.bench.historyPeer(q), query);
  }
  const times = await alternate(
    {
      ours: () => page.evaluate((q) => window.bench.historyOurs(q), query),
      peer: () => page.evaluate((q) => window.bench.historyPeer(q), query),
    },
    historyRuns,
    20,
  );
  assert.deepEqual(problems, []);
  await context.close();

  console.log(`\n### History query over ${records.toLocaleString('en')} records (training dispatcher, in the page)\n`);
  console.log(
    `Search: ${query.from} – ${query.to}, kind ${query.kind}, narrow ${query.narrow}, page ${query.page} of ` +
      `${query.perPage} rows; ${ours.total.toLocaleString('en')} matches. Store built in ${(built.ms / 1000).toFixed(1)} s. ` +
      `${historyRuns} runs each after ${WARM_UP} warm-up runs, alternating.\n`,
  );
  console.log(
    table(
      ['contender', 'median', 'p95', 'min', 'max'],
      [
        ['dispatcher: GET /qualifications → MemoryStore → JSON → client', times.ours],
        ['peer: Array.filter + slice over the same rows', times.peer],
      ].map(([name, xs]) => [name, ms(median(xs)), ms(quantile(xs, 0.95)), ms(Math.min(...xs)), ms(Math.max(...xs))]),
    ),
  );
  console.log(
    `\n**ratio dispatcher / peer (medians): ${(median(times.ours) / median(times.peer)).toFixed(2)}**; ` +
      `p95: ${(quantile(times.ours, 0.95) / quantile(times.peer, 0.95)).toFixed(2)}\n`,
  );
  console.log(
    table(
      ['memory held (after a full collection)', 'JS heap (V8 used)', 'wasm linear memory'],
      [
        ['page with the bench loaded', mib(before), mib(wasmBefore)],
        ["+ the dispatcher's store", mib(withStore), mib(wasmAfter)],
        ["+ the peer's rows", mib(withRows), mib(wasmRows)],
      ],
    ),
  );
  const peerBytes = withRows - withStore;
  console.log(
    `\nThe store's records hold ${mib(built.recordBytes)} (structs, strings and result messages, without the ` +
      `allocator's overhead; ${mib(built.messageBytes)} of it the messages kept for 詳細 and download); building ` +
      `them grew the wasm memory by ${mib(wasmAfter - wasmBefore)} and the JS heap by ${mib(withStore - before)}. ` +
      `The peer's rows (the list columns only, as the contract's JSON gives them, no messages) take ` +
      `${mib(peerBytes)} of JS heap: ${(peerBytes / (built.recordBytes - built.messageBytes)).toFixed(2)}× ` +
      `the store's records without their messages.`,
  );
}

async function decodeBench() {
  const { context, page, problems } = await openBench();
  const bytes = await page.evaluate((n) => window.bench.buildBulk(n), units);
  const contenders = {
    wire: () => page.evaluate(() => window.bench.decodeWire()),
    'wire + domain': () => page.evaluate(() => window.bench.decodeWireAndDomain()),
    'fast-xml-parser': () => page.evaluate(() => window.bench.decodeFastXmlParser()),
    'DOMParser + walk': () => page.evaluate(() => window.bench.decodeDomParser()),
    'DOMParser alone (no walk)': () => page.evaluate(() => window.bench.decodeDomParserOnly()),
  };
  // Each must read every unit before any is timed (this is also the warm-up run).
  const first = {};
  for (const [name, run] of Object.entries(contenders)) first[name] = await run();
  assert.equal(first.wire.units, units);
  assert.equal(first['fast-xml-parser'].units, units);
  assert.equal(first['DOMParser + walk'].units, units);
  assert.equal(first['DOMParser alone (no walk)'].units, units);
  assert.ok(first['wire + domain'].qualifications > units * 0.9, 'nine in ten have a qualification');
  const times = await alternate(contenders, decodeRuns, 250);
  assert.deepEqual(problems, []);
  await context.close();

  const wire = median(times.wire);
  console.log(`\n### Decoding a ${units.toLocaleString('en')}-unit bulk result in the page\n`);
  console.log(
    `${bytes.toLocaleString('en')} bytes of UTF-8 (${first['DOMParser + walk'].elements.toLocaleString('en')} elements), ` +
      `handed to each as a Uint8Array. ${decodeRuns} runs each after one warm-up, alternating.\n`,
  );
  console.log(
    table(
      ['contender', 'median', 'p95', 'MiB/s', 'time ÷ ours (wire)'],
      Object.entries(times).map(([name, xs]) => [
        name === 'wire' || name === 'wire + domain' ? `ours (wasm): ${name}` : name,
        ms(median(xs)),
        ms(quantile(xs, 0.95)),
        (bytes / (1024 * 1024) / (median(xs) / 1000)).toFixed(0),
        (median(xs) / wire).toFixed(2),
      ]),
    ),
  );
}

try {
  if (which.includes('history')) await historyBench();
  if (which.includes('decode')) await decodeBench();
} finally {
  await browser.close();
  await server.close();
}
