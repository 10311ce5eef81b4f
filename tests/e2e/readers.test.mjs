// 顔認証付きカードリーダー操作: the guides' Case3 rehearsed end to end — switch to 目視確認, check by eye, the
// patient at the reader (training's reader panel), completion, the prompt back to 無人運転, the switch
// back — in training mode and against the reference endpoint, where a second staff member's screen
// follows the modes live. Then the faults: another terminal switching first (a stale ETag), a
// reader that disappeared, a session that ended mid-dialog, no session at all, and the system
// account's sign-in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { HistoryPage } from './pages/history.mjs';
import { ReaderPanel } from './pages/reader_panel.mjs';
import { ReadersPage } from './pages/readers.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const IDENTIV = 'Identiv CLOUD 3701 F Contactless Reader 0';
const PASORI = 'Sony FeliCa Port/PaSoRi 3.0 0';
/** The consents 新橋 太郎 gives at the reader in these rehearsals. */
const CONSENTS = { medical: true, checkups: false, limit: true };
/** The six flags those answers mean (decisions.md D9), as the history's detail shows them. */
const CONSENT_TABLE = {
  限度額適用認定証閲覧同意: 'あり',
  特定疾病療養受療証閲覧同意: 'あり',
  特定健診情報閲覧同意: 'なし',
  薬剤情報閲覧同意: 'あり',
  診療情報閲覧同意: 'あり',
  手術情報閲覧同意: 'あり',
};

/**
 * The problems a page recorded, less the console's note of each refused request with an expected
 * status: the forced login's 409 (see `signIn`) and those a test provokes. The app handled them.
 */
function unexpected(problems, ...statuses) {
  const allowed = new RegExp(`^console: Failed to load resource: the server responded with a status of (${[409, ...statuses].join('|')}) `);
  return problems.filter((p) => !allowed.test(p));
}

/** Today in Tokyo as the form shows it, e.g. 2026/11/22 (the reference endpoint keeps real time). */
function tokyoToday() {
  return new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * Signs in. Against the reference endpoint, an earlier test's browser may still hold the same user's
 * session (contexts close without logging out), so the forced-login prompt is answered when it comes.
 */
async function signIn(page, userId, password) {
  const signInPage = new SignInPage(page, app.server.url);
  await signInPage.goto();
  await signInPage.submit(userId, password);
  const menu = new MenuPage(page);
  const prompted = await Promise.race([
    menu.waitFor().then(() => false),
    signInPage.forcePrompt.root.waitFor().then(() => true),
  ]);
  if (prompted) {
    await signInPage.forcePrompt.answer('はい');
    await menu.waitFor();
  }
  return menu;
}

/** Signs in and opens 顔認証付きカードリーダー操作 from the menu. */
async function openReaders(page, userId, password) {
  await signIn(page, userId, password);
  const readers = new ReadersPage(page);
  await readers.openFromMenu();
  return readers;
}

/** Switches the page's app to the endpoint that served it, on the settings screen. */
function useThisServer(page) {
  return new SettingsPage(page, app.server.url).useThisServer();
}

/**
 * Case3 on one page: 目視確認 for 外科受付用, the check by eye, 新橋 太郎 at the reader, completion,
 * the prompt, and back to 無人運転. Returns when the reader is in 無人運転 again.
 */
async function case3(page, readers, name, today) {
  assert.deepEqual(await readers.tableRows(), [
    [IDENTIV, '外科受付用', '無人運転'],
    [PASORI, '内科受付用', '無人運転'],
  ]);
  assert.deepEqual(await readers.frameModes(), [
    ['外科受付用', '無人運転'],
    ['内科受付用', '無人運転'],
  ]);
  await screenshot(page, `${name}-readers`);

  // ②–⑤: 目視確認 with the guides' two dialogs; the mode turns green.
  await readers.askSwitch('reader-1', '目視確認');
  await expectText(readers.switchConfirm.message, `目視確認モードに切り替えます。よろしいですか？\nカードリーダー：${IDENTIV}`);
  await screenshot(page, `${name}-switch-confirm`);
  await readers.switchConfirm.answer('OK');
  await expectText(readers.switchDone.message, `目視確認モードに切り替えました。\nカードリーダー：${IDENTIV}`);
  await readers.switchDone.answer('OK');
  assert.equal(await readers.currentMode('reader-1'), '目視確認');
  await expectText(readers.selectedMode, '※選択中のモード：目視確認');
  await eventually(() => readers.frameModes(), [
    ['外科受付用', '目視確認'],
    ['内科受付用', '無人運転'],
  ]);
  assert.equal(await readers.returnPrompt.count(), 0, 'no prompt before the check');

  // ⑥–⑧: 資格確認日 is today; 目視で本人確認完了 asks 目視確認実行.
  assert.equal(await readers.date.inputValue(), today);
  await readers.confirmed.check();
  await expectText(
    readers.runConfirm.message,
    '目視確認による資格照会を行います。\n目視で本人確認を行いましたら「OK」ボタンを押してください。',
  );
  await screenshot(page, `${name}-run-confirm`);
  await readers.runConfirm.answer('OK');
  await expectText(readers.waiting, '患者にマイナンバーカードを顔認証付きカードリーダーに置いてもらい、画面指示に従い操作していただきます。');

  // ⑨: the patient at the reader (the trainer plays them on the panel).
  const panel = new ReaderPanel(page);
  await panel.open();
  await panel.chooseReader('reader-1');
  await expectText(panel.message, '資格確認を開始します。\n目視で本人確認を行いマイナンバーカードを置いてください。');
  await panel.placeCard('shinbashi-taro');
  await panel.answer(CONSENTS);
  await expectText(panel.message, '確認が完了しました');

  // ⑩: completion on the terminal; then the prompt back to 無人運転 (⑪).
  await expectText(readers.runDone.message, '目視による資格確認が完了しました。');
  await screenshot(page, `${name}-run-done`);
  await readers.runDone.answer('OK');
  await expectText(readers.returnPrompt.locator('span'), '「外科受付用」の目視確認が完了しました。無人運転モードに戻してください。');
  await screenshot(page, `${name}-return-prompt`);

  // ⑪–⑭: back to 無人運転 from the screen's own button.
  const [asked, told] = await readers.switchTo('reader-1', '無人運転');
  assert.equal(asked, `無人運転モードに切り替えます。よろしいですか？\nカードリーダー：${IDENTIV}`);
  assert.equal(told, `無人運転モードに切り替えました。\nカードリーダー：${IDENTIV}`);
  assert.equal(await readers.currentMode('reader-1'), '無人運転');
  await eventually(() => readers.returnPrompt.count(), 0);
  await eventually(() => readers.frameModes(), [
    ['外科受付用', '無人運転'],
    ['内科受付用', '無人運転'],
  ]);
}

/** The newest history entry is 新橋 太郎's マイナンバーカード result with exactly the consents given. */
async function resultInHistory(page) {
  const history = new HistoryPage(page, app.server.url);
  await page.goto(`${app.server.url}/history`);
  await history.waitFor();
  const row = await history.row(0);
  assert.equal(row.name, '新橋　太郎');
  assert.equal(row.classification, 'マイナンバーカード');
  assert.equal(row.login_id, '002');
  await history.openDetail(0);
  assert.deepEqual(await history.consentTable(), CONSENT_TABLE);
  await screenshot(page, 'readers-case3-history-detail');
}

test('Case3 in training mode: switch, check by eye, the patient at the reader, completion, and back', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const readers = await openReaders(page, '002', 'Onshi*002*002');
  await expectText(readers.screenName, '顔認証付きカードリーダー操作');
  await case3(page, readers, 'readers-training', '2026/11/22');
  await resultInHistory(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Case3 against the reference endpoint, with a second terminal following the modes live', async () => {
  const first = await newContext(app.browser, { clockAt: new Date() });
  const second = await newContext(app.browser, { clockAt: new Date() });
  const page = await first.context.newPage();
  const other = await second.context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await useThisServer(page);
  await useThisServer(other);
  const watching = await openReaders(other, '003', 'Onshi*003*003');
  const readers = await openReaders(page, '002', 'Onshi*002*002');

  // The second terminal's screen follows each switch through the `reader` events, without a reload.
  await readers.switchTo('reader-2', '暗証番号認証固定');
  await eventually(() => watching.currentMode('reader-2'), '暗証番号認証固定');
  await eventually(() => watching.frameModes(), [
    ['外科受付用', '無人運転'],
    ['内科受付用', '暗証番号認証固定'],
  ]);
  await readers.switchTo('reader-2', '無人運転');
  await eventually(() => watching.currentMode('reader-2'), '無人運転');

  const watchedModes = [];
  const watchFor = async (mode) => {
    await eventually(() => watching.currentMode('reader-1'), mode);
    watchedModes.push(mode);
  };
  await readers.askSwitch('reader-1', '目視確認');
  await readers.switchConfirm.answer('OK');
  await readers.switchDone.answer('OK');
  await watchFor('目視確認');
  // Back, so that case3 starts from the table of the guides.
  await readers.switchTo('reader-1', '無人運転');
  await watchFor('無人運転');

  await case3(page, readers, 'readers-endpoint', tokyoToday());
  // The other terminal saw the reader come back to 無人運転, and its prompt came and went with it.
  await eventually(() => watching.currentMode('reader-1'), '無人運転');
  assert.equal(await watching.returnPrompt.count(), 0);
  assert.deepEqual(watchedModes, ['目視確認', '無人運転']);
  for (const call of [
    'PUT /onshi/v1/readers/reader-1/mode',
    'POST /onshi/v1/readers/reader-1/visual-checks',
    'POST /onshi/v1/training/reader-visits',
    'GET /onshi/v1/events',
  ]) {
    assert.ok(requests.includes(call), `${call} went over HTTP:\n${requests.join('\n')}`);
  }
  await resultInHistory(page);
  assert.deepEqual(unexpected(first.problems), []);
  assert.deepEqual(unexpected(second.problems), []);
  await first.context.close();
  await second.context.close();
});

test('two terminals switch the same reader: the slower one is told, and sees the mode the reader is in', async () => {
  const first = await newContext(app.browser, { clockAt: new Date() });
  const second = await newContext(app.browser, { clockAt: new Date() });
  const page = await first.context.newPage();
  const other = await second.context.newPage();
  await useThisServer(page);
  await useThisServer(other);
  const readers = await openReaders(page, '002', 'Onshi*002*002');
  const slower = await openReaders(other, 'admin01', 'Onshi*admin*01');
  assert.equal(await slower.currentMode('reader-2'), '無人運転');

  // Both ask at once; the first to answer OK wins.
  await slower.askSwitch('reader-2', '暗証番号認証固定');
  await readers.switchTo('reader-2', '目視確認');
  await slower.switchConfirm.answer('OK');
  await expectText(slower.switchDone.message, '他の端末でモードが変更されました。最新の状態を読み込み直しました。');
  await screenshot(other, 'readers-stale-etag');
  await slower.switchDone.answer('OK');
  assert.equal(await slower.currentMode('reader-2'), '目視確認', 'the reader is in the mode the faster terminal chose');
  await eventually(() => readers.currentMode('reader-2'), '目視確認');

  // With the state read again, the slower terminal's next switch goes through.
  await slower.switchTo('reader-2', '無人運転');
  await eventually(() => readers.currentMode('reader-2'), '無人運転');
  assert.deepEqual(unexpected(first.problems), []);
  assert.deepEqual(unexpected(second.problems, 412), []);
  await first.context.close();
  await second.context.close();
});

test('a reader that disappeared is told, and the list is read again', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: new Date() });
  const page = await context.newPage();
  await useThisServer(page);
  const readers = await openReaders(page, '002', 'Onshi*002*002');
  // The endpoint no longer knows the reader the screen shows: the switch reaches a reader id it lacks.
  await page.route('**/onshi/v1/readers/reader-2/mode', (route) =>
    route.continue({ url: route.request().url().replace('/readers/reader-2/', '/readers/reader-removed/') }),
  );
  const reads = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === '/onshi/v1/readers') reads.push(r.url());
  });
  await readers.askSwitch('reader-2', '目視確認');
  await readers.switchConfirm.answer('OK');
  await expectText(readers.switchDone.message, '選択したカードリーダーが見つかりません。カードリーダーの一覧を読み込み直しました。');
  await readers.switchDone.answer('OK');
  assert.ok(reads.length >= 1, 'the list was read again');
  assert.equal(await readers.currentMode('reader-2'), '無人運転', 'the reader is shown in the mode it is in');
  assert.deepEqual(unexpected(problems, 404), []);
  await context.close();
});

test('a session that ends while the dialog is open leads to sign-in; the reader keeps its mode', async () => {
  const first = await newContext(app.browser, { clockAt: new Date() });
  const second = await newContext(app.browser, { clockAt: new Date() });
  const page = await first.context.newPage();
  const other = await second.context.newPage();
  await useThisServer(page);
  await useThisServer(other);
  const readers = await openReaders(page, '002', 'Onshi*002*002');
  await readers.askSwitch('reader-1', '目視確認');
  await readers.switchConfirm.root.waitFor();

  // The same user signs in elsewhere and takes the session over (forced login).
  const otherSignIn = new SignInPage(other, app.server.url);
  await otherSignIn.goto();
  await otherSignIn.submit('002', 'Onshi*002*002');
  await otherSignIn.forcePrompt.answer('はい');
  await new MenuPage(other).waitFor();

  // Whether the event feed or the OK learns it first, this tab ends on the sign-in page with the reason.
  if (await readers.switchConfirm.root.isVisible()) {
    await readers.switchConfirm.answer('OK').catch(() => {});
  }
  const signIn = new SignInPage(page, app.server.url);
  await page.waitForURL('**/login');
  await expectText(signIn.notice, '同じユーザIDで別の場所からログインされたため、ログアウトしました。');
  await screenshot(page, 'readers-session-ended');

  const watching = new ReadersPage(other);
  await watching.openFromMenu();
  assert.equal(await watching.currentMode('reader-1'), '無人運転', 'nothing was switched without a session');
  await first.context.close();
  await second.context.close();
});

test('without a session: the endpoint refuses with 401, the screen leads to sign-in, the system account cannot sign in', async () => {
  const { context } = await newContext(app.browser, { clockAt: new Date() });
  const page = await context.newPage();
  await useThisServer(page);
  // The endpoint enforces it whatever the UI shows (decisions.md D2).
  const anonymous = await page.request.get(`${app.server.url}/onshi/v1/readers`);
  assert.equal(anonymous.status(), 401);
  assert.equal((await anonymous.json()).code, 'unauthenticated');
  const switched = await page.request.put(`${app.server.url}/onshi/v1/readers/reader-1/mode`, {
    headers: { 'If-Match': '"v1"', 'Content-Type': 'application/json' },
    data: { mode: 'visual' },
  });
  assert.equal(switched.status(), 401);

  await page.goto(`${app.server.url}/card-readers`);
  await page.waitForURL('**/login');

  // The system account (連携アプリ用) never gets a token: 403 with the message on the page.
  const signIn = new SignInPage(page, app.server.url);
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/onshi/v1/session'));
  await signIn.submit('renkei01', 'Onshi*renkei*01');
  const refused = await answer;
  assert.equal(refused.status(), 403);
  assert.equal((await refused.json()).code, 'system_account_not_interactive');
  await expectText(signIn.error, 'このアカウントはシステム連携用のため、画面からはログインできません。');
  await context.close();
});
