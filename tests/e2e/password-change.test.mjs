// パスワード変更 (S14; seeds 002 and 003). First, the README's first run of a bridge install: onshi-server
// with --bridge on a temporary share prints master's initial password once; master signs in with it
// in the app, lands on パスワード変更 (and cannot open another screen until the change), sees the field
// messages for a bad new password and the endpoint's for a wrong current one, changes it, reaches a
// working menu, signs out and signs in with the new password with no detour. Then, in training
// mode, 002 changes its password from the menu tile, and the old one no longer signs in.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { startServer } from './support/server.mjs';
import { MenuPage } from './pages/frame.mjs';
import { HistoryPage } from './pages/history.mjs';
import { PasswordChangePage } from './pages/password_change.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

// The app in training mode, served by a plain onshi-server.
const app = appUnderTest();

const FIRST = '安全管理上、初回ログイン時にはパスワードを変更してください。';
const FIRST_NOTE = 'パスワードを変更するまで、他の画面は利用できません。';
const POLICY = [
  '8文字以上、128文字以内',
  '英大文字・英小文字・数字・記号のうち3種類以上を含む',
  '半角英数字・記号のみ（全角文字は使用できません）',
  '現在のパスワードと異なる',
];
const REQUIRED = 'パスワードを入力してください。';
const CONFIRM_REQUIRED = '確認のため、新しいパスワードをもう一度入力してください。';
const WEAK = '新しいパスワードは8文字以上で、英大文字・英小文字・数字・記号のうち3種類以上を含めてください。';
const UNCHANGED = '現在のパスワードと異なるパスワードを入力してください。';
const MISMATCH = '新しいパスワード（確認）が新しいパスワードと一致しません。';
const WRONG_CURRENT = '現在のパスワードが正しくありません。';
const CHANGED = 'パスワードを変更しました。';

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

/** Counts the page's password changes sent (PUT /onshi/v1/session/password). */
function countChanges(page) {
  const sent = { count: 0 };
  page.on('request', (r) => {
    if (r.method() === 'PUT' && new URL(r.url()).pathname === '/onshi/v1/session/password') sent.count += 1;
  });
  return sent;
}

test("the README's first run of a bridge install: master's printed password leads to パスワード変更, then to a working menu", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onshi-first-run-'));
  const share = path.join(dir, 'share');
  for (const folder of ['req', 'res', 'face']) mkdirSync(path.join(share, folder), { recursive: true });
  const server = await startServer({
    extraArgs: [
      '--bridge', share,
      '--database', path.join(dir, 'clinic.db'),
      '--institution-code', '1234567897',
      '--institution-name', 'ブリッジ医療機関',
    ],
  });
  const { context, problems } = await newContext(app.browser);
  try {
    // The first run prints master's initial password once, on stdout.
    const line = server.stdoutLines().find((l) => l.includes('created the account master'));
    assert.ok(line, `the first run names master's initial password: ${server.stdoutLines().join('\n')}`);
    const initial = line.match(/initial password (\S+)/)?.[1];
    assert.ok(initial, line);
    const chosen = 'Clinic*Master*2026';

    const page = await context.newPage();
    const changes = countChanges(page);
    await new SettingsPage(page, server.url).useThisServer();
    const signIn = new SignInPage(page, server.url);
    await signIn.goto();
    await signIn.submit('master', initial);

    // Straight to パスワード変更, with the guides' reason and the policy.
    const change = new PasswordChangePage(page);
    await change.waitFor();
    await expectText(change.screenName, 'パスワード変更');
    await expectText(change.accountKind, 'マスタ');
    await expectText(change.institution, 'ブリッジ医療機関');
    assert.deepEqual(await change.firstNotice.locator('p').allTextContents(), [FIRST, FIRST_NOTE]);
    assert.deepEqual(await change.policy.locator('li').allTextContents(), POLICY);
    await screenshot(page, 'password-change-first-sign-in');

    // Another screen, typed in the address bar, leads back here: the session is kept (a reload)
    // and the gate holds. So does the menu's own button at the bottom.
    await page.goto(`${server.url}/history`);
    await change.waitFor();
    await page.goto(`${server.url}/menu`);
    await change.waitFor();
    await page.getByRole('link', { name: 'メニュー', exact: true }).click();
    await change.waitFor();
    await expectText(change.firstNotice.locator('p').first(), FIRST);

    // Bad input: each message next to its field, and nothing sent.
    await change.submit('', '', '');
    await eventually(() => change.messages(), [REQUIRED, REQUIRED, CONFIRM_REQUIRED]);
    await change.submit(initial, 'short1');
    await eventually(() => change.messages(), ['', WEAK, '']);
    await screenshot(page, 'password-change-weak');
    await change.submit(initial, initial);
    await eventually(() => change.messages(), ['', UNCHANGED, '']);
    await change.submit(initial, chosen, `${chosen}x`);
    await eventually(() => change.messages(), ['', '', MISMATCH]);
    assert.equal(changes.count, 0, 'nothing was sent for bad input');

    // The endpoint's own finding: a wrong current password, at its field.
    await change.submit('Not*The*Issued1', chosen);
    await eventually(() => change.messages(), [WRONG_CURRENT, '', '']);
    await expectText(change.error, '');
    assert.equal(changes.count, 1);

    // The change: the completion, then the menu, whose tiles open their screens.
    await change.submit(initial, chosen);
    await change.changed.root.waitFor();
    await expectText(change.changed.message, CHANGED);
    await screenshot(page, 'password-change-done');
    await change.changed.answer('OK');
    const menu = new MenuPage(page);
    await menu.waitFor();
    assert.equal(changes.count, 2);
    assert.ok((await menu.tileLabels()).includes('パスワード変更'));
    await screenshot(page, 'password-change-menu-after');
    await page.locator('.menu a.tile', { hasText: '資格確認履歴照会' }).click();
    const history = new HistoryPage(page, server.url);
    await history.waitFor();
    await expectText(history.error, '');

    // Signed out and in again with the new password: the menu, with no detour.
    await history.logout();
    await signIn.userId.waitFor();
    await signIn.submit('master', chosen);
    await menu.waitFor();
    await expectText(menu.accountKind, 'マスタ');
    assert.equal(await change.firstNotice.count(), 0);
    // The initial password no longer signs in.
    await menu.logout();
    await signIn.userId.waitFor();
    await signIn.submit('master', initial);
    await expectText(signIn.error, 'ユーザIDまたはパスワードが正しくありません。あと4回間違えると、30分間ログインできなくなります。');
    // The browser logs each refusal it was answered with (the wrong current password's 422 and the
    // initial password's 401); nothing else went wrong.
    assertOnlyRefusals(problems, [401, 422]);
  } finally {
    await context.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in training mode: the menu tile changes the password, the change persists, and the old password no longer signs in', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  const menu = new MenuPage(page);
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: 'パスワード変更' }).click();
  const change = new PasswordChangePage(page);
  await change.waitFor();
  await expectText(change.screenName, 'パスワード変更');
  await expectText(change.accountKind, '一般');
  // Not a first sign-in: no notice, and the frame's readers are there as on any screen.
  assert.equal(await change.firstNotice.count(), 0);
  assert.deepEqual(await change.policy.locator('li').allTextContents(), POLICY);
  await screenshot(page, 'password-change-training');

  // The training dispatcher checks the current password like any endpoint.
  await change.submit('Onshi*002*003', 'Kotoshi*2026');
  await eventually(() => change.messages(), [WRONG_CURRENT, '', '']);
  await change.change('Onshi*002*002', 'Kotoshi*2026');
  await menu.waitFor();

  // The old password no longer signs in; the new one does, after a reload too (IndexedDB).
  await menu.logout();
  await signIn.userId.waitFor();
  await signIn.submit('002', 'Onshi*002*002');
  await expectText(signIn.error, 'ユーザIDまたはパスワードが正しくありません。あと4回間違えると、30分間ログインできなくなります。');
  await page.reload();
  await signIn.userId.waitFor();
  await signIn.submit('002', 'Kotoshi*2026');
  await menu.waitFor();
  await expectText(menu.accountName, 'スタッフ002');
  // Training mode answers in the page: no request reaches a server, so nothing is logged.
  assert.deepEqual(problems, []);
  await context.close();
});
