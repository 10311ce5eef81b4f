// The app against the reference endpoint: staff choose "this server" on the settings screen of the
// app served by `onshi-server --training`, and from then on every request goes over HTTP to
// /onshi/v1 (sign-in, the forced login from a second browser, logout). A lockout outlives a restart
// of the endpoint (its SQLite database). An endpoint that cannot be reached, or that this app's CSP
// does not allow, is refused with the reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { startServer } from './support/server.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';
import { StartPage } from './pages/start.mjs';
import { worldRequestCount } from './support/world.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const FORCE_PROMPT =
  '前回正常にログアウトされていなかった可能性があります。または、該当ユーザは既に使用されています。強制的にログインしますか？';
const UNREACHABLE =
  '接続先に接続できませんでした。接続先が起動しているか、URLが正しいか確認してください。';
const NOT_ALLOWED =
  'この接続先は、このアプリの配信元サーバで接続が許可されていないため、利用できません。システム管理者に接続先の許可を依頼してください。';
const LOCKED =
  'パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。';
// What else can be done, after the time the lock ends.
const RESET = 'お急ぎの場合は、管理者にパスワードの初期化を依頼してください。';

/** Records every request a page makes, as `METHOD /path` (with the origin when it is not the app's). */
function recordRequests(page) {
  const requests = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    const where = url.origin === app.server.url ? url.pathname : `${url.origin}${url.pathname}`;
    requests.push(`${request.method()} ${where}`);
  });
  return requests;
}

/** Opens the settings from the start page and switches to the endpoint that served the page. */
async function useThisServer(page) {
  const start = new StartPage(page, app.server.url);
  await start.goto();
  await expectText(start.endpointName, '研修モード');
  await start.settingsLink.click();
  const settings = new SettingsPage(page, app.server.url);
  await settings.waitFor();
  await settings.chooseThisServer();
  await expectText(settings.saved, '接続先を変更しました。');
  return settings;
}

/**
 * Checks that the only problems a page reported are the browser's own console lines for answers with
 * these statuses (Chromium logs every 4xx answer as an error; the app handled them).
 */
function assertOnlyRefusals(problems, statuses) {
  const refusal = new RegExp(
    `^console: Failed to load resource: the server responded with a status of (${statuses.join('|')}) `,
  );
  for (const problem of problems) assert.match(problem, refusal);
}

test('"this server" is chosen in the settings; sign-in, forced login and logout then go over HTTP', async () => {
  // The first browser's clock is Playwright's, so a quiet minute can pass without waiting for it. The
  // endpoint keeps real time; its session rules do not depend on the page's clock.
  const first = await newContext(app.browser, { clockAt: new Date() });
  const page = await first.context.newPage();
  const requests = recordRequests(page);

  const start = new StartPage(page, app.server.url);
  await start.goto();
  await start.settingsLink.click();
  const settings = new SettingsPage(page, app.server.url);
  await settings.waitFor();
  await expectText(settings.screenName, '接続先の設定');
  await expectText(settings.currentEndpoint, '研修モード');
  assert.equal(await settings.training.isChecked(), true, 'training mode is the default');
  await screenshot(page, 'settings');

  await settings.chooseThisServer();
  await expectText(settings.saved, '接続先を変更しました。');
  await expectText(settings.currentEndpoint, 'このサーバ');
  await expectText(settings.currentAddress, app.server.url);
  await eventually(async () => {
    const state = (await settings.currentState.textContent()) ?? '';
    return state.includes('接続できます') && state.includes('1.4.0') && state.includes('研修用のデータ');
  }, true);
  assert.deepEqual(await settings.savedChoice(), { kind: 'this_server' });
  assert.ok(requests.includes('GET /onshi/v1/capabilities'), requests.join('\n'));
  // The endpoint runs on training data, so the banner stays.
  await expectText(page.getByTestId('training-banner').locator('strong'), '研修モード');
  await screenshot(page, 'settings-this-server');

  // The choice survives a reload, and the sign-in page names it.
  await page.reload();
  await settings.waitFor();
  await expectText(settings.currentEndpoint, 'このサーバ');
  await settings.toSignIn.click();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.userId.waitFor();
  await expectText(signIn.endpointName, 'このサーバ');
  await signIn.submit('002', 'Onshi*002*002');
  const menu = new MenuPage(page);
  await menu.waitFor();
  await expectText(menu.accountName, 'スタッフ002');
  await expectText(menu.institution, 'サンプル医療機関');
  await expectText(menu.trainingBanner.locator('strong'), '研修モード');
  assert.ok(requests.includes('POST /onshi/v1/session'), `the sign-in went over HTTP:\n${requests.join('\n')}`);
  assert.equal(
    (await worldRequestCount(page, 'POST', '/session')).count,
    0,
    'the training world was never signed in to',
  );

  // A second browser signs in with the same ID: the endpoint asks before taking over.
  const second = await newContext(app.browser);
  const other = await second.context.newPage();
  const otherRequests = recordRequests(other);
  await useThisServer(other);
  const otherSignIn = new SignInPage(other, app.server.url);
  await otherSignIn.goto();
  await otherSignIn.submit('002', 'Onshi*002*002');
  await expectText(otherSignIn.forcePrompt.message, FORCE_PROMPT);
  await otherSignIn.forcePrompt.answer('はい');
  const otherMenu = new MenuPage(other);
  await otherMenu.waitFor();
  assert.equal(
    otherRequests.filter((r) => r === 'POST /onshi/v1/session').length,
    2,
    'refused once with 409, then forced',
  );

  // The first browser learns at its next request: a click after a quiet minute tells the endpoint.
  await page.clock.fastForward('02:00');
  await page.locator('main').click();
  await page.waitForURL('**/login');
  await expectText(signIn.notice, '同じユーザIDで別の場所からログインされたため、ログアウトしました。');
  assert.ok(requests.includes('POST /onshi/v1/session/activity'), requests.join('\n'));

  // Logout in the second browser ends the session at the endpoint.
  await otherMenu.logout();
  await otherSignIn.userId.waitFor();
  assert.ok(otherRequests.includes('DELETE /onshi/v1/session'), otherRequests.join('\n'));
  await other.goto(`${app.server.url}/menu`);
  await otherSignIn.userId.waitFor();
  assert.equal(new URL(other.url()).pathname, '/login');

  // The browser logs the refused activity request (401) and the first sign-in (409) itself; nothing
  // else went wrong.
  assertOnlyRefusals(first.problems, [401]);
  assertOnlyRefusals(second.problems, [409]);
  await first.context.close();
  await second.context.close();
});

test('an endpoint that cannot be reached or is not allowed is refused, and a bad address is never sent', async () => {
  // A loopback port nobody listens on: the CSP allows loopback, so the connection itself is refused.
  const closedPort = await new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const requests = recordRequests(page);
  const settings = new SettingsPage(page, app.server.url);
  await settings.goto();

  await settings.chooseUrl('https://onshi.example.jp/onshi/v1');
  await expectText(
    settings.urlMessage,
    '接続先のURLにはパスや「?」「#」以降を含めないでください（例：https://onshi.example.jp）。',
  );
  await settings.chooseUrl('onshi.example.jp');
  await expectText(settings.urlMessage, '接続先のURLは http:// または https:// で始めてください。');
  await screenshot(page, 'settings-bad-address');
  // The page's own training world (under /training, answered by its service worker) is not the address
  // being typed.
  assert.deepEqual(
    requests.filter((r) => r.includes('/onshi/v1/') && !r.includes(' /training/onshi/v1/')),
    [],
    'nothing was sent for a bad address',
  );

  await settings.chooseUrl(`http://127.0.0.1:${closedPort}`);
  await expectText(settings.error, UNREACHABLE);
  await expectText(settings.urlMessage, '');
  await screenshot(page, 'settings-unreachable');

  // An origin outside this app's connect-src: the browser refuses it before connecting, and its
  // violation report tells the page why.
  await settings.chooseUrl('https://onshi.example.jp');
  await expectText(settings.error, NOT_ALLOWED);
  await screenshot(page, 'settings-not-allowed');

  assert.equal(await settings.savedChoice(), null, 'the choice was not kept');
  await expectText(settings.currentEndpoint, '研修モード');
  await expectText(page.getByTestId('training-banner').locator('strong'), '研修モード');
  // The only problems are the browser's own reports of those two refusals.
  assert.ok(problems.length > 0, 'the browser reported the refusals');
  for (const problem of problems) {
    assert.match(
      problem,
      /ERR_CONNECTION_REFUSED|CSP violation: connect-src https:\/\/onshi\.example\.jp|Connecting to 'https:\/\/onshi\.example\.jp\/onshi\/v1\/capabilities' violates the following Content Security Policy directive|Fetch API cannot load https:\/\/onshi\.example\.jp\/onshi\/v1\/capabilities\. Refused to connect/,
    );
  }
  await context.close();
});

/** `date` as the endpoint shows it on the sign-in page: HH:MM in Japan. */
function tokyoTime(date) {
  return new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

test('a lockout outlives a restart of the endpoint (its SQLite database)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onshi-e2e-'));
  const database = path.join(dir, 'training.db');
  const args = ['--training', '--database', database];
  let server = await startServer({ extraArgs: args });
  const { context, problems } = await newContext(app.browser);
  try {
    const page = await context.newPage();
    const requests = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    const start = new StartPage(page, server.url);
    await start.goto();
    await start.settingsLink.click();
    const settings = new SettingsPage(page, server.url);
    await settings.waitFor();
    await settings.chooseThisServer();
    await expectText(settings.saved, '接続先を変更しました。');

    const signIn = new SignInPage(page, server.url);
    await signIn.goto();
    const before = Date.now();
    for (const left of [4, 3, 2, 1]) {
      await signIn.submit('002', 'wrong-password');
      await expectText(
        signIn.error,
        `ユーザIDまたはパスワードが正しくありません。あと${left}回間違えると、30分間ログインできなくなります。`,
      );
    }
    await signIn.submit('002', 'wrong-password');
    await eventually(async () => ((await signIn.error.textContent()) ?? '').startsWith(LOCKED), true);
    const locked = (await signIn.error.textContent()) ?? '';
    // The endpoint's clock is real time here: the lock lifts 30 minutes after the fifth attempt.
    const until = [before, Date.now()].map((t) => `${LOCKED}${tokyoTime(new Date(t + 30 * 60_000))}以降に再度ログインしてください。${RESET}`);
    assert.ok(until.includes(locked), `${locked} is one of ${until.join(' / ')}`);
    assert.equal(requests.filter((r) => r === 'POST /onshi/v1/session').length, 5);

    // The endpoint stops and starts again on the same database and the same port (so the page keeps
    // its origin and its choice of "this server").
    const port = new URL(server.url).port;
    await server.stop();
    server = await startServer({ listen: `127.0.0.1:${port}`, extraArgs: args });
    await page.reload();
    await signIn.userId.waitFor();
    await expectText(signIn.endpointName, 'このサーバ');
    await signIn.submit('002', 'Onshi*002*002');
    await expectText(signIn.error, locked);
    await screenshot(page, 'sign-in-locked-after-restart');
    assert.equal(requests.filter((r) => r === 'POST /onshi/v1/session').length, 6);
    assert.equal(new URL(page.url()).pathname, '/login');

    // Another ID is not locked: the restarted endpoint signs it in.
    await signIn.submit('003', 'Onshi*003*003');
    const menu = new MenuPage(page);
    await menu.waitFor();
    await expectText(menu.accountName, '医療情報閲覧003');
    // The browser logs each refused sign-in (401, then 423) itself; nothing else went wrong.
    assertOnlyRefusals(problems, [401, 423]);
  } finally {
    await context.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
