// Launches Debian's Chromium through playwright-core (its own browser download cannot work here) and
// collects what a page must never produce: uncaught errors, console errors and CSP violations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './server.mjs';

export const screenshotDir = path.join(repoRoot, 'target/e2e-screenshots');
mkdirSync(screenshotDir, { recursive: true });

// The flags that keep Chromium quiet on a machine with no internet (env notes).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium. `args` are added to the quiet flags; `env` replaces the browser's environment
 * (e.g. a HOME whose NSS database trusts a test CA, for the HTTPS test).
 */
export async function launch({ args = [], env } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...ARGS, ...args],
    ...(env ? { env } : {}),
  });
}

/**
 * A fresh context (its own IndexedDB, sessionStorage and service worker, so its own training world)
 * whose pages record problems in `problems`. `clockAt` installs Playwright's clock at that time first;
 * the training world keeps its own clock (decisions.md D1), which the sign-in page object sets to the
 * page's when the context has `clockAt` (`onshiClock`).
 */
export async function newContext(browser, { clockAt } = {}) {
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const problems = [];
  if (clockAt) {
    await context.clock.install({ time: new Date(clockAt) });
    context.onshiClock = true;
  }
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  context.on('page', (page) => watch(page, problems));
  return { context, problems };
}

/**
 * A refusal the training world answered (a 4xx of its contract, e.g. 401 for a wrong password). Chromium
 * logs every 4xx answer as a console error, also one a service worker made; the app handles these as it
 * handles a real endpoint's refusals, which the tests against the reference endpoint check one by one.
 */
function trainingRefusal(message) {
  return (
    /^Failed to load resource: the server responded with a status of 4\d\d /.test(message.text()) &&
    new URL(message.location().url, 'http://127.0.0.1').pathname.startsWith('/training/onshi/v1/')
  );
}

function watch(page, problems) {
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !trainingRefusal(message)) problems.push(`console: ${message.text()}`);
  });
}

/** Saves a full-page screenshot under target/e2e-screenshots/. */
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
