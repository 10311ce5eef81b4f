// The inquiry benchmark: 保険証/処方箋で確認 in training mode, from Enter in the form to 資格情報確認's result
// banner in the DOM, many times, in headless Chromium with the release app.
//
// The peer, in the same run and from the same server: a static page holding the app's own form markup
// and, in a <template>, the app's own result markup (both captured from the app in this run, so the
// update is exactly the same size), whose submit handler swaps the form for a clone of the result. It
// is the browser's floor for "a key press puts this result on screen"; the ratio says what the app's
// work on top costs (the core's validation, the request to the training world in its service worker
// with its IndexedDB write, the encrypted session cache, Leptos rendering).
//
// Both pages are timed by their own performance.now, by the same init script: a capture-phase keydown
// listener notes Enter; a MutationObserver notes the moment the banner is in the DOM, then makes the
// browser compute style and layout for it at once (by reading the banner's box) and notes that too.
// In the app, the script also reads the training request's own time (resource timing), to show how much
// of the whole the training world in its service worker is. Then the first inquiry after the browser
// stops the worker (the DevTools protocol's ServiceWorker.stopAllWorkers): the world starts again, its
// module compiled and its state rebuilt from IndexedDB.
// Usage: node scripts/bench-inquiry.mjs [--runs N]   (N ≥ 50; default 60, after 5 warm-up runs)
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, newContext } from '../tests/e2e/support/browser.mjs';
import { repoRoot, startServer } from '../tests/e2e/support/server.mjs';
import { InquiryPage } from '../tests/e2e/pages/inquiry.mjs';
import { SignInPage } from '../tests/e2e/pages/sign_in.mjs';
import { median, ms, numberArg, quantile, table } from './bench-support.mjs';

const runs = numberArg('--runs', 60, 50);
const WARM_UP = 5;
/** How many forced worker stops are timed. */
const STOPS = 10;
// seed 000's 新橋 太郎, valid on any day after 令和2年 (tests/e2e/inquiry.test.mjs types the same card).
const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };

// The app and the peer are served by one onshi-server from a copy of the built app.
const dist = process.env.ONSHI_APP_DIR ?? path.join(repoRoot, 'dist');
const appDir = mkdtempSync(path.join(os.tmpdir(), 'onshi-bench-inquiry-'));
cpSync(dist, appDir, { recursive: true });
writeFileSync(
  path.join(appDir, 'bench-peer.js'),
  `// The inquiry benchmark's peer (scripts/bench-inquiry.mjs): the app's result markup swapped in on submit.
const result = document.getElementById('peer-result');
let form;
document.addEventListener('submit', (event) => {
  event.preventDefault();
  form = event.target;
  form.replaceWith(result.content.cloneNode(true));
  document.querySelector('[data-testid=screen-name]').textContent = '資格情報確認';
});
// A button's label without its key hint (aria-hidden, e.g. "F4"), as a screen reader names it.
const label = (button) =>
  [...button.childNodes]
    .filter((node) => !(node.nodeType === Node.ELEMENT_NODE && node.getAttribute('aria-hidden') === 'true'))
    .map((node) => node.textContent)
    .join('')
    .trim();
document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (form && button && label(button) === '戻る') {
    document.querySelector('section.check').replaceWith(form);
    document.querySelector('[data-testid=screen-name]').textContent = '保険証/処方箋で確認';
  }
});
`,
);
const server = await startServer({
  binary: process.env.ONSHI_SERVER ?? path.join(repoRoot, 'target/server/onshi-server'),
  appDir,
});
const browser = await launch();

/** The same measuring script in both pages: Enter → banner in the DOM → laid out. */
function measure() {
  window.__samples = [];
  let start = null;
  addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter') start = performance.now();
    },
    { capture: true },
  );
  // The training world's share: the contract request's own time (fetch → the service worker's
  // dispatch and IndexedDB write → the answer back), from the browser's resource timing.
  const worldTime = (since) => {
    const entries = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/training/onshi/v1/qualifications') && e.startTime >= since);
    return entries.length ? entries.at(-1).responseEnd - entries.at(-1).startTime : 0;
  };
  new MutationObserver(() => {
    if (start === null) return;
    const banner = document.querySelector('[data-testid=result-banner]');
    if (!banner) return;
    const inDom = performance.now() - start;
    // Reading its box makes the browser compute style and layout now, for what is in the DOM.
    banner.getBoundingClientRect();
    window.__samples.push({ inDom, laidOut: performance.now() - start, training: worldTime(start) });
    start = null;
  }).observe(document, { childList: true, subtree: true });
}

/**
 * The markup of the element `selector` names, with what the app set as properties (typed values,
 * checked boxes) written as attributes, so that a copy shows the same.
 */
function markup(selector) {
  const element = document.querySelector(selector);
  const copy = element.cloneNode(true);
  const inputs = element.querySelectorAll('input');
  copy.querySelectorAll('input').forEach((input, i) => {
    if (inputs[i].checked) input.setAttribute('checked', '');
    if (inputs[i].value) input.setAttribute('value', inputs[i].value);
  });
  return selector === 'body' ? copy.innerHTML : copy.outerHTML;
}

/** Enter in the 番号 field, then 戻る: one timed inquiry, answered by the page's newest sample. */
async function once(page, inquiry) {
  const before = await page.evaluate(() => window.__samples.length);
  await inquiry.number.focus();
  await page.keyboard.press('Enter');
  await inquiry.banner.waitFor();
  await page.waitForFunction((n) => window.__samples.length > n, before);
  const sample = await page.evaluate(() => window.__samples.at(-1));
  await inquiry.back.click();
  await inquiry.search.waitFor();
  // Let what the answer set off (the cache write, the event feed) settle, as between two patients.
  await page.waitForTimeout(100);
  return sample;
}

try {
  const { context: appContext, problems } = await newContext(browser);
  await appContext.addInitScript(measure);
  const app = await appContext.newPage();
  const signIn = new SignInPage(app, server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  await app.waitForURL('**/menu');
  await app.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  const inquiry = new InquiryPage(app, server.url);
  await inquiry.waitFor();
  for (const [field, value] of [
    [inquiry.insurerNumber, TARO.insurer],
    [inquiry.symbol, TARO.symbol],
    [inquiry.number, TARO.number],
    [inquiry.branch, TARO.branch],
    [inquiry.birthdate, TARO.birthdate],
  ]) {
    await field.fill(value);
  }

  // Capture the app's two states for the peer, after one real answer.
  const formBody = await app.evaluate(markup, 'body');
  await once(app, inquiry);
  await inquiry.number.focus();
  await app.keyboard.press('Enter');
  await inquiry.banner.waitFor();
  assert.equal((await inquiry.banner.textContent()).trim(), 'この資格は有効です。');
  const resultSection = await app.evaluate(markup, 'section.check');
  const resultElements = await app.evaluate(() => document.querySelector('section.check').querySelectorAll('*').length + 1);
  await inquiry.back.click();
  await inquiry.search.waitFor();
  writeFileSync(
    path.join(appDir, 'bench-peer.html'),
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>peer</title>' +
      '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/main.css"><script src="/bench-peer.js" defer></script></head>' +
      `<body>${formBody}<template id="peer-result">${resultSection}</template></body></html>`,
  );

  const { context: peerContext, problems: peerProblems } = await newContext(browser);
  await peerContext.addInitScript(measure);
  const peer = await peerContext.newPage();
  await peer.goto(`${server.url}/bench-peer.html`);
  const peerInquiry = new InquiryPage(peer, server.url);
  await peerInquiry.search.waitFor();

  const samples = { app: [], peer: [] };
  for (let i = 0; i < WARM_UP + runs; i++) {
    const a = await once(app, inquiry);
    const p = await once(peer, peerInquiry);
    if (i >= WARM_UP) {
      samples.app.push(a);
      samples.peer.push(p);
    }
  }
  assert.equal((await peerInquiry.banner.count()) + (await inquiry.banner.count()), 0, 'both back on the form');
  assert.deepEqual(problems, []);
  assert.deepEqual(peerProblems, []);

  const row = (name, xs) => [name, ms(median(xs)), ms(quantile(xs, 0.95)), ms(Math.min(...xs)), ms(Math.max(...xs))];
  const pick = (who, what) => samples[who].map((s) => s[what]);
  console.log('\n### 保険証/処方箋で確認: Enter → 資格情報確認 (training mode, release build)\n');
  console.log(
    `新橋 太郎 (有効), ${runs} runs each after ${WARM_UP} warm-up runs, app and peer alternating; the result ` +
      `section is ${resultElements} elements.\n`,
  );
  console.log(
    table(
      ['', 'median', 'p95', 'min', 'max'],
      [
        row('app: Enter → result banner in the DOM', pick('app', 'inDom')),
        row('app: Enter → result laid out', pick('app', 'laidOut')),
        row("app: of it, the training world's answer (fetch to the worker, dispatch, IndexedDB, back)", pick('app', 'training')),
        row('peer: Enter → the same result markup cloned in', pick('peer', 'inDom')),
        row('peer: Enter → laid out', pick('peer', 'laidOut')),
      ],
    ),
  );
  const ratio = (what, q) => (quantile(pick('app', what), q) / quantile(pick('peer', what), q)).toFixed(1);
  console.log(
    `\n**ratio app / peer, in the DOM: median ${ratio('inDom', 0.5)}, p95 ${ratio('inDom', 0.95)}**; ` +
      `laid out: median ${ratio('laidOut', 0.5)}, p95 ${ratio('laidOut', 0.95)}`,
  );
  const rest = samples.app.map((x) => x.inDom - x.training);
  console.log(
    `app without the training world's answer (validation, reading the answer, rendering): median ` +
      `${ms(median(rest))}, p95 ${ms(quantile(rest, 0.95))}; ratio to the peer ` +
      `${(median(rest) / median(pick('peer', 'inDom'))).toFixed(1)}`,
  );
  // Every answer adds to the training history (the world writes only the new records); show whether
  // that made later runs slower.
  const inDom = pick('app', 'inDom');
  console.log(
    `app, in the DOM: median of the first 10 runs ${ms(median(inDom.slice(0, 10)))}, of the last 10 ` +
      `${ms(median(inDom.slice(-10)))}`,
  );

  // The first inquiry after a forced stop of the worker, and the world's own restart: a contract
  // request from the page after the stop, timed to its answer.
  const cdp = await appContext.newCDPSession(app);
  await cdp.send('ServiceWorker.enable');
  const afterStop = [];
  const restart = [];
  for (let i = 0; i < STOPS; i++) {
    await cdp.send('ServiceWorker.stopAllWorkers');
    restart.push(
      await app.evaluate(async () => {
        const begun = performance.now();
        const answer = await fetch('/training/onshi/v1/capabilities');
        await answer.arrayBuffer();
        return performance.now() - begun;
      }),
    );
    await cdp.send('ServiceWorker.stopAllWorkers');
    afterStop.push((await once(app, inquiry)).inDom);
  }
  console.log(`\n### After a forced worker stop (${STOPS} stops each)\n`);
  console.log(
    table(
      ['', 'median', 'min', 'max'],
      [
        ['the training world ready again: a request from the page → its answer', ms(median(restart)), ms(Math.min(...restart)), ms(Math.max(...restart))],
        ['the first inquiry: Enter → result banner in the DOM', ms(median(afterStop)), ms(Math.min(...afterStop)), ms(Math.max(...afterStop))],
      ],
    ),
  );
  assert.deepEqual(problems, []);
  await appContext.close();
  await peerContext.close();
} finally {
  await browser.close();
  await server.stop();
  rmSync(appDir, { recursive: true, force: true });
}
