// 目視確認用パスコード発行 (S8; seed 004 steps 5–7): 002 opens the tile from the menu, confirms with the
// guides' wording naming its user ID, and sees a 4-digit code once; after OK the code is no longer
// in the page. Re-issue is the same button; キャンセル issues nothing. In training mode, and against the
// reference endpoint (`onshi-server --training`), where the reader's 職員用ボタン then refuses the
// earlier code and accepts the new one. (A system account's refused sign-in is covered by
// shell.test.mjs.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { PasscodePage } from './pages/passcode.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const EXPLANATION =
  '顔認証装置で職員モード(目視確認)に切り替えて資格確認を実施する際に必要となる4桁のパスコードを発行します。目視確認用パスコードは変更不可であり、再発行のみ可能です。※再発行の場合、既に発行した目視確認用パスコードは利用できなくなります。';
const REMEMBER = 'パスコードは目視確認モードを使用する際に、入力することになるため忘れないようにして下さい。';
const SHOWN_ONCE = 'この表示を閉じると、パスコードは再表示できません。忘れた場合は再発行してください。';

/** Signs in and opens 目視確認用パスコード発行 from the menu tile. */
async function openPasscode(page, userId, password) {
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit(userId, password);
  const menu = new MenuPage(page);
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: '目視確認用パスコード発行' }).click();
  const passcode = new PasscodePage(page);
  await passcode.waitFor();
  return passcode;
}

/** Switches the page's app to the endpoint that served it, on the settings screen. */
function useThisServer(page) {
  return new SettingsPage(page, app.server.url).useThisServer();
}

/** The reference endpoint's own API, as another terminal (or the reader) uses it. */
async function api(method, route, { token, body } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${app.server.url}/onshi/v1${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** The text of the screen (dialogs included), where a closed dialog's code must not be left behind. */
async function screenText(page) {
  return (await page.locator('main').textContent()) ?? '';
}

test('in training mode: the code is shown once, re-issue gives a code again, キャンセル issues nothing', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const passcode = await openPasscode(page, '002', 'Onshi*002*002');
  await expectText(passcode.screenName, '目視確認用パスコード発行');
  await expectText(passcode.explanation, EXPLANATION);

  // Seed 004 step 6: the confirmation, word for word, with the user ID.
  await passcode.issueButton.click();
  await expectText(passcode.confirm.root.locator('.dialog-title'), '目視確認用パスコード発行');
  const [question, who] = ((await passcode.confirm.message.innerText()) ?? '').split('\n');
  assert.equal(question, '目視確認用パスコードを発行します。よろしいですか?');
  assert.equal(who, 'ユーザID:002');
  await passcode.confirm.answer('OK');

  // Step 7: the code, with the guides' reminder and ours that it is shown once.
  await passcode.value.waitFor();
  const first = ((await passcode.value.textContent()) ?? '').trim();
  assert.match(first, /^\d{4}$/);
  await expectText(passcode.issued.root.locator('dt'), 'パスコード');
  assert.equal(await passcode.issued.message.innerText(), `${REMEMBER}\n${SHOWN_ONCE}`);
  await screenshot(page, 'passcode-issued');
  // Escape does not close it; only OK does.
  await page.keyboard.press('Escape');
  assert.equal(await passcode.value.count(), 1);
  await passcode.issued.answer('OK');
  await eventually(() => passcode.issued.root.count(), 0);
  assert.equal(await passcode.value.count(), 0);
  assert.doesNotMatch(await screenText(page), new RegExp(`(^|\\D)${first}(\\D|$)`), 'the code is gone');
  await expectText(passcode.error, '');

  // Re-issue: the same button, a code again (four random digits, possibly the same).
  const second = await passcode.issue();
  assert.match(second, /^\d{4}$/);
  assert.equal(await passcode.value.count(), 0);

  // キャンセル closes the confirmation; nothing is issued, nothing shown.
  await passcode.issueButton.click();
  await passcode.confirm.root.waitFor();
  await passcode.confirm.answer('キャンセル');
  await eventually(() => passcode.confirm.root.count(), 0);
  assert.equal(await passcode.issued.root.count(), 0);
  assert.equal(await passcode.value.count(), 0);
  await expectText(passcode.screenName, '目視確認用パスコード発行');
  assert.deepEqual(problems, []);
  await context.close();
});

test('against the reference endpoint: キャンセル sends nothing, and the reader refuses a replaced code', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: new Date() });
  const page = await context.newPage();
  const issues = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/onshi/v1/visual-check-passcode') issues.push(r);
  });
  await useThisServer(page);
  const passcode = await openPasscode(page, '002', 'Onshi*002*002');
  await expectText(passcode.explanation, EXPLANATION);

  await passcode.issueButton.click();
  await expectText(passcode.confirm.message, '目視確認用パスコードを発行します。よろしいですか?\nユーザID:002');
  await passcode.confirm.answer('キャンセル');
  await eventually(() => passcode.confirm.root.count(), 0);
  assert.equal(issues.length, 0, 'キャンセル sent nothing');

  const first = await passcode.issue();
  assert.match(first, /^\d{4}$/);
  assert.equal(issues.length, 1);
  assert.equal(await passcode.value.count(), 0);
  // The answer is not kept by the browser: the endpoint forbids storing it.
  const answer = await issues[0].response();
  assert.equal(answer.status(), 201);
  assert.match(answer.headers()['cache-control'] ?? '', /no-store/);

  // Another staff member at the reader's 職員用ボタン: 002's code opens 目視確認.
  const signedIn = await api('POST', '/session', { body: { user_id: '003', password: 'Onshi*003*003' } });
  assert.equal(signedIn.status, 201);
  const token = signedIn.json.token;
  const staffMode = async (reader, code) =>
    (await api('POST', `/training/readers/${reader}/staff-mode`, { token, body: { user_id: '002', passcode: code } })).status;
  assert.equal(await staffMode('reader-1', first), 200);

  // Re-issued (until the four digits differ, which a repeat would not show), the first is refused.
  let second = await passcode.issue();
  for (let i = 0; i < 5 && second === first; i += 1) second = await passcode.issue();
  assert.match(second, /^\d{4}$/);
  assert.notEqual(second, first);
  assert.equal(await staffMode('reader-2', first), 403);
  assert.equal(await staffMode('reader-2', second), 200);
  await api('DELETE', '/session', { token });
  assert.deepEqual(problems, []);
  await context.close();
});
