// 「マイナンバーカードで確認」: the guides' Case1 rehearsed with training's reader panel (S9). A patient's visit
// at a reader appears on the reception screen without a reload, marked 「新着」 and announced, and
// opens as 資格情報確認 with the consents chosen at the reader; in training mode, and against the
// reference endpoint (`onshi-server --training`), where a second browser (another staff member)
// sees it arrive too. A wrong PIN is told with the tries left, then the lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { MenuPage } from './pages/frame.mjs';
import { ReaderPanel } from './pages/reader_panel.mjs';
import { ReceptionPage } from './pages/reception.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const WAITING = 'カードリーダーからの結果を待っています。';
const TARO_ANNOUNCED = '新しい確認結果が届きました：新橋　太郎　有効';
/** Case1's patient: 診療・薬剤・手術情報 and 特定健診等情報 shared, 限度額 not. */
const CASE1 = {
  person: 'shinbashi-taro',
  reader: 'reader-1',
  consents: { medical: true, checkups: true, limit: false },
};
const CASE1_CONSENTS = [
  ['限度額適用認定証閲覧同意', 'なし'],
  ['特定疾病療養受療証閲覧同意', 'なし'],
  ['特定健診情報閲覧同意', 'あり'],
  ['薬剤情報閲覧同意', 'あり'],
  ['診療情報閲覧同意', 'あり'],
  ['手術情報閲覧同意', 'あり'],
];

/** Signs in and opens the reception screen from the menu tile. */
async function openReception(page, userId, password) {
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit(userId, password);
  const menu = new MenuPage(page);
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: 'マイナンバーカードで確認' }).click();
  const reception = new ReceptionPage(page);
  await reception.waitFor();
  return reception;
}

/** Switches the page's app to the endpoint that served it, on the settings screen. */
function useThisServer(page) {
  return new SettingsPage(page, app.server.url).useThisServer();
}

/** Checks that the newest row is 新橋 太郎's result at 外科受付用, marked new. */
async function taroArrived(reception) {
  await eventually(async () => (await reception.row(0)).slice(1), ['外科受付用', '新橋　太郎', '有効']);
  assert.match((await reception.row(0))[0], /^\d\d:\d\d:\d\d新着$/);
  await expectText(reception.announcement, TARO_ANNOUNCED);
  assert.equal(await reception.rows.first().evaluate((row) => row.classList.contains('reception-row-new')), true);
}

test('Case1 in training mode: a visit at the reader appears live and opens as 資格情報確認', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const reception = await openReception(page, '002', 'Onshi*002*002');
  await expectText(reception.screenName, 'マイナンバーカードで確認');
  await expectText(page.locator('.reception-empty'), '本日のカードリーダーでの確認結果はまだありません。');
  const panel = new ReaderPanel(page);
  await panel.open();
  await expectText(panel.heading, '研修用：顔認証付きカードリーダー（患者側の画面）');
  await expectText(panel.message, 'マイナンバーカードを置いてください');
  await screenshot(page, 'reception-waiting');

  await panel.visit(CASE1);
  await expectText(panel.message, 'マイナンバーカードを置いてください');
  await taroArrived(reception);
  assert.equal(await reception.rows.count(), 1);
  assert.equal(await reception.newBadges.count(), 1);
  await screenshot(page, 'reception-new-result');

  await reception.open(0);
  await expectText(reception.banner, 'この資格は有効です。');
  await expectText(reception.screenName, '資格情報確認');
  assert.deepEqual(await reception.consentValues(), CASE1_CONSENTS);
  assert.match((await reception.readerResult.textContent()) ?? '', /外科受付用/);
  // The same S6 as for an insurance card: 氏名 and the 限度額 block, closed without consent.
  assert.match((await page.getByTestId('qualification').first().textContent()) ?? '', /新橋　太郎/);
  await reception.limit.getByRole('button', { name: '情報表示' }).click();
  await expectText(reception.limitDetails, '患者の同意がないため、限度額適用認定証の情報は表示できません。');
  await screenshot(page, 'reception-qualification-check');

  // 次の患者へ(マイナンバーカード): waiting again; the result is kept, no longer new.
  await reception.nextCard.click();
  await expectText(reception.screenName, 'マイナンバーカードで確認');
  await expectText(reception.feed, WAITING);
  assert.equal(await reception.rows.count(), 1);
  assert.equal(await reception.newBadges.count(), 0);

  // 次の患者へ(保険証) leads to the insurance-card form, whose マイナンバーカード tab leads back: the
  // results seen are still listed, read again from the endpoint.
  await reception.open(0);
  await reception.nextInsurance.click();
  const inquiry = new InquiryPage(page, app.server.url);
  await inquiry.waitFor();
  await page.locator('.tabs').getByRole('link', { name: 'マイナンバーカード' }).click();
  await reception.waitFor();
  await eventually(async () => (await reception.row(0)).slice(1), ['外科受付用', '新橋　太郎', '有効']);
  assert.equal(await reception.newBadges.count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong PIN at the reader is told with the tries left, then the lock', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const reception = await openReception(page, '002', 'Onshi*002*002');
  const panel = new ReaderPanel(page);
  await panel.open();
  await panel.chooseReader(CASE1.reader);
  await panel.placeCard(CASE1.person);
  await panel.choosePin();
  await panel.enterPin('0000');
  await expectText(panel.pinMessage, '暗証番号が正しくありません。あと2回間違えると暗証番号がロックされます。');
  await panel.enterPin('0000');
  await expectText(panel.pinMessage, '暗証番号が正しくありません。あと1回間違えると暗証番号がロックされます。');
  await screenshot(page, 'reception-wrong-pin');
  await panel.enterPin('0000');
  await expectText(panel.error, '暗証番号がロックされています。目視確認モードで本人確認を行ってください。');
  await panel.button('終了する').click();
  await panel.peopleReady();
  await eventually(async () => /（暗証番号ロック中）$/.test((await panel.person.locator('option:checked').textContent()) ?? ''), true);
  assert.equal(await reception.rows.count(), 0, 'no wrong PIN made a result');
  // The browser logs each refusal (422, 423) as a console error; the app handled them.
  for (const problem of problems) {
    assert.match(problem, /^console: Failed to load resource: the server responded with a status of (422|423) /);
  }
  await context.close();
});

test('against the reference endpoint: another staff member sees the visit arrive too', async () => {
  const first = await newContext(app.browser, { clockAt: new Date() });
  const second = await newContext(app.browser, { clockAt: new Date() });
  const page = await first.context.newPage();
  const other = await second.context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await useThisServer(page);
  await useThisServer(other);
  const reception = await openReception(page, '002', 'Onshi*002*002');
  const watching = await openReception(other, '003', 'Onshi*003*003');
  // The server's history may hold results of earlier tests of this file's run: count from here.
  const before = await watching.rows.count();
  const panel = new ReaderPanel(page);
  await panel.open();
  await expectText(panel.heading, '研修用：顔認証付きカードリーダー（患者側の画面）');

  await panel.visit(CASE1);
  await taroArrived(reception);
  await taroArrived(watching);
  assert.equal(await watching.rows.count(), before + 1);
  await screenshot(other, 'reception-endpoint-other-staff');
  assert.ok(requests.includes('POST /onshi/v1/training/reader-visits'), requests.join('\n'));
  assert.ok(requests.includes('GET /onshi/v1/events'), requests.join('\n'));

  await watching.open(0);
  await expectText(watching.banner, 'この資格は有効です。');
  assert.deepEqual(await watching.consentValues(), CASE1_CONSENTS);
  assert.deepEqual(first.problems, []);
  assert.deepEqual(second.problems, []);
  await first.context.close();
  await second.context.close();
});
