// The app-load benchmark. Every load is cold: a new browser context, so an empty HTTP cache, empty
// storage and no service worker. The app's figure is navigation start → the sign-in form's ID field in the DOM
// (rendered by the wasm with its handlers attached); the blank page's is navigation start → its
// load event. Both come from the page's own clock (performance.now), served by one onshi-server.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { launch } from '../tests/e2e/support/browser.mjs';
import { repoRoot, startServer } from '../tests/e2e/support/server.mjs';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
if (!(runs >= 10)) throw new Error('--runs must be at least 10');

const dist = path.join(repoRoot, 'dist');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// The shell is what the page loads; the training world is the second module, which only the service
// worker loads (ARCHITECTURE.md).
const SHELL = ['onshi_bg.wasm', 'onshi.js', 'main.css', 'loader.js', 'index.html'];
const WORLD = ['onshi_training_bg.wasm', 'onshi_training.js', 'sw.js'];
console.log('Sizes of the release build (dist/)');
console.log('| file | raw | gzip -9 | brotli q11 |');
console.log('|---|---:|---:|---:|');
const brotli = {};
for (const name of [...SHELL, ...WORLD]) {
  const raw = readFileSync(path.join(dist, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  brotli[name] = br;
  console.log(`| ${name} | ${raw.length} (${kb(raw.length)}) | ${gz} (${kb(gz)}) | ${br} (${kb(br)}) |`);
}
const sum = (names) => names.reduce((total, name) => total + brotli[name], 0);
console.log(`\nshell (what the page loads), brotli: ${sum(SHELL)} (${kb(sum(SHELL))}); target ≤ 300 KiB`);
console.log(`training world (the service worker's), brotli: ${sum(WORLD)} (${kb(sum(WORLD))})`);

// The blank page is served by the same server from a copy of dist/.
const appDir = mkdtempSync(path.join(os.tmpdir(), 'onshi-bench-'));
cpSync(dist, appDir, { recursive: true });
writeFileSync(
  path.join(appDir, 'blank.html'),
  '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>',
);
const server = await startServer({ binary: path.join(repoRoot, 'target/server/onshi-server'), appDir });
const browser = await launch();

async function appLoad() {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.getElementById('user_id')) {
        window.__formAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.waitForSelector('#user_id');
  const at = await page.evaluate(() => window.__formAt);
  await context.close();
  return at;
}

/**
 * A first visit's training world: navigation start → the first answer of the training endpoint, which
 * needs the service worker installed (the shell precached), in control, its module compiled and the
 * world seeded in IndexedDB.
 */
async function worldReady() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.waitForSelector('#user_id');
  const at = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    const answer = await fetch('/training/onshi/v1/capabilities');
    if (answer.status !== 200) throw new Error(`training capabilities: ${answer.status}`);
    await answer.arrayBuffer();
    return performance.now();
  });
  await context.close();
  return at;
}

async function blankLoad() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/blank.html`, { waitUntil: 'load' });
  const at = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  await context.close();
  return at;
}

try {
  // One of each first, not counted: it warms the OS file cache and the server, not the browser cache.
  await appLoad();
  await blankLoad();
  const app = [];
  const blank = [];
  const world = [];
  for (let i = 0; i < runs; i++) {
    app.push(await appLoad());
    blank.push(await blankLoad());
    world.push(await worldReady());
  }
  const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
  console.log(`\nCold loads over ${runs} runs each, headless Chromium, loopback`);
  console.log(`sign-in form interactive: ${fmt(app)}`);
  console.log(`blank page loaded:        ${fmt(blank)}`);
  console.log(`ratio (app / blank):      ${(median(app) / median(blank)).toFixed(2)}; target ≤ 2.0`);
  console.log(`first visit, navigation → the training world's first answer: ${fmt(world)}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(appDir, { recursive: true, force: true });
}
