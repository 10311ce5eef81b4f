// The app shell cached by the service worker: after one visit the app loads and training works with
// the server stopped; no API answer is ever cached; a new version takes over on the next load and the
// app says so. Each test has a server of its own, since one of them stops it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launch, newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { repoRoot, startServer } from './support/server.mjs';
import { worldReady } from './support/world.mjs';
import { MenuPage } from './pages/frame.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };
const UPDATED = '新しいバージョンに更新されました。再読み込みすると反映されます。';

/** The URLs the page's caches hold, by cache name. */
async function cached(page) {
  return page.evaluate(async () => {
    const all = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      all[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
    }
    return all;
  });
}

/** Whether every file the shell needs is in one cache. */
async function shellCached(page) {
  const all = await cached(page);
  const needed = ['/onshi.js', '/onshi_bg.wasm', '/onshi_training.js', '/onshi_training_bg.wasm', '/loader.js'];
  return Object.values(all).some((urls) => needed.every((url) => urls.includes(url)));
}

test('after one visit the app loads and training works with the server stopped; no API answer is cached', async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    const { context, problems } = await newContext(browser);
    const page = await context.newPage();
    const signIn = new SignInPage(page, server.url);
    await signIn.goto();
    await worldReady(page);
    await eventually(() => shellCached(page), true, { timeout: 30_000 });

    await server.stop();
    // A new tab (its own session) opens the app from the cache alone.
    const offline = await context.newPage();
    const inquiry = await InquiryPage.openAsStaff(offline, server.url);
    await inquiry.typeCard(TARO);
    await expectText(inquiry.banner, 'この資格は有効です。');
    await screenshot(offline, 'offline-training-result');

    for (const [name, urls] of Object.entries(await cached(offline))) {
      assert.ok(
        urls.every((url) => !url.includes('/onshi/v1/')),
        `cache ${name} holds no API answer: ${urls.join(', ')}`,
      );
    }
    // Loading from the cache while the server is away logs the failed network attempts, nothing else.
    for (const problem of problems) assert.match(problem, /net::ERR_CONNECTION_REFUSED|Failed to fetch|Failed to load resource/);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a new version takes over on the next load, and the app says so', async () => {
  const appDir = mkdtempSync(path.join(tmpdir(), 'onshi-app-'));
  cpSync(path.join(repoRoot, 'dist'), appDir, { recursive: true });
  const server = await startServer({ appDir });
  const browser = await launch();
  try {
    const { context, problems } = await newContext(browser);
    const page = await context.newPage();
    const signIn = new SignInPage(page, server.url);
    await signIn.goto();
    await worldReady(page);
    await eventually(() => shellCached(page), true, { timeout: 30_000 });
    assert.equal(await page.getByText(UPDATED).count(), 0, 'the first version is not announced');

    // Another build: its worker differs by a byte (its precompressed copies go, so the server serves it).
    const worker = path.join(appDir, 'sw.js');
    writeFileSync(worker, `${readFileSync(worker, 'utf8')}\n// another build\n`);
    rmSync(`${worker}.br`, { force: true });
    rmSync(`${worker}.gz`, { force: true });

    await page.reload();
    await signIn.userId.waitFor();
    await expectText(page.getByRole('status').filter({ hasText: UPDATED }), UPDATED, { timeout: 30_000 });
    await screenshot(page, 'new-version');
    // Training still answers, from the new worker.
    await signIn.submit('002', 'Onshi*002*002');
    await new MenuPage(page).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
    rmSync(appDir, { recursive: true, force: true });
  }
});
