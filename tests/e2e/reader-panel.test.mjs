// Training's reader panel (S9; seeds 002 and 004), in training mode: the trainer plays the patient at
// a face reader and the staff member at it. Wrong PINs are told with the tries left, then the lock,
// and a malformed PIN is refused before it is sent; the 職員用ボタン with the passcode issued on S8
// opens a visual check, whose result carries exactly the consents chosen and leaves the frame's
// prompt back to 無人運転 until 「中止」; a re-issued passcode makes the first one useless.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { HistoryPage } from './pages/history.mjs';
import { PasscodePage } from './pages/passcode.mjs';
import { ReaderPanel } from './pages/reader_panel.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest();

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const PLACE_CARD = 'マイナンバーカードを置いてください';
const VISUAL_START = '資格確認を開始します。\n目視で本人確認を行いマイナンバーカードを置いてください。';
const LOCKED = '暗証番号がロックされています。目視確認モードで本人確認を行ってください。';
const wrongPin = (left) => `暗証番号が正しくありません。あと${left}回間違えると暗証番号がロックされます。`;

/** A context at 09:00 on 2026-11-22, its page at the size staff screens have, signed in as 002. */
async function signedIn() {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  const menu = new MenuPage(page);
  await menu.waitFor();
  return { context, problems, page, menu };
}

async function openTile(page, label) {
  await page.locator('.menu a.tile', { hasText: label }).click();
}

async function backToMenu(page) {
  await page.locator('.frame-footer').getByRole('link', { name: 'メニュー' }).click();
  await new MenuPage(page).waitFor();
}

/** Issues 002's passcode on S8 (from the menu tile) and returns to the menu with the code. */
async function issuePasscode(page, times = 1) {
  await openTile(page, '目視確認用パスコード発行');
  const passcode = new PasscodePage(page);
  await passcode.waitFor();
  const codes = [];
  for (let n = 0; n < times; n += 1) {
    let code = await passcode.issue();
    // A re-issue may draw the same four digits by chance; only a different code shows the first
    // one no longer works.
    while (codes.includes(code)) code = await passcode.issue();
    assert.match(code, /^\d{4}$/);
    codes.push(code);
  }
  await backToMenu(page);
  return codes;
}

/** A screenshot from the top of the page (the toggle at the bottom scrolled it), where the panel is docked. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

/** The mode the frame's strip shows for a reader. */
function stripMode(page, readerId) {
  return page.locator(`[data-testid=frame-readers] [data-reader=${readerId}] .frame-reader-mode`);
}

test('wrong PINs at the reader: the tries left, then the lock; a malformed PIN is never sent', async () => {
  const { context, problems, page } = await signedIn();
  const panel = new ReaderPanel(page);
  await panel.open();
  await expectText(panel.heading, '研修用：顔認証付きカードリーダー（患者側の画面）');
  await expectText(panel.message, PLACE_CARD);
  assert.equal(await panel.reader.inputValue(), 'reader-1', 'the panel is the first reader at first');
  await shot(page, 'panel-menu');

  // 太田 和子 places her card and chooses the PIN.
  await panel.placeCard('ota-kazuko');
  await expectText(panel.message, '本人確認の方法を選んでください');
  await expectText(panel.screen.locator('.panel-screen-note'), '本人確認の情報は、他の目的には使用しません。');
  assert.deepEqual(
    (await panel.screen.getByRole('button').allTextContents()).map((t) => t.trim()),
    ['顔認証を行う', '暗証番号を入力', '終了する'],
  );
  await shot(page, 'panel-choose-method');
  await panel.choosePin();
  await expectText(panel.message, '暗証番号（4桁）を入力してください');
  assert.deepEqual(
    await panel.pin.evaluate((e) => [e.type, e.inputMode, e.autocomplete]),
    ['password', 'numeric', 'off'],
  );

  // A malformed PIN is refused at the field and costs no try: the next wrong one still leaves two.
  await panel.enterPin('12a');
  await expectText(panel.pinMessage, '暗証番号は4桁の数字で入力してください。');
  await shot(page, 'panel-pin-format');
  await panel.enterPin('9999');
  await expectText(panel.pinMessage, wrongPin(2));
  assert.equal(await panel.pin.inputValue(), '', 'the field is cleared after a wrong PIN');
  await shot(page, 'panel-wrong-pin');
  await panel.enterPin('9999');
  await expectText(panel.pinMessage, wrongPin(1));
  await panel.enterPin('9999');
  await expectText(panel.error, LOCKED);
  await shot(page, 'panel-pin-locked');

  // 終了する: the reader waits for the next card, and the list of cards says hers is locked.
  await panel.button('終了する').click();
  await expectText(panel.message, PLACE_CARD);
  await panel.peopleReady();
  await eventually(
    async () => ((await panel.person.locator('option[value=ota-kazuko]').textContent()) ?? '').endsWith('（暗証番号ロック中）'),
    true,
  );
  // The right PIN no longer helps.
  await panel.placeCard('ota-kazuko');
  await panel.choosePin();
  await panel.enterPin('1234');
  await expectText(panel.error, LOCKED);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the reader own path: 職員用ボタン with the passcode, the visual check, its result, and 中止', async () => {
  const { context, problems, page, menu } = await signedIn();
  const [code] = await issuePasscode(page);
  const panel = new ReaderPanel(page);
  await panel.open();
  await expectText(stripMode(page, 'reader-1'), '無人運転');

  // The staff member at 外科受付用 presses 職員用ボタン; the user ID is the signed-in one.
  await panel.button('職員用ボタン').click();
  await expectText(panel.message, '目視確認用パスコード（4桁）を入力してください');
  assert.equal(await panel.user.inputValue(), '002');
  await panel.passcode.fill('12');
  await panel.button('確定').click();
  await expectText(panel.passcodeMessage, 'パスコードは4桁の数字で入力してください。');
  await panel.passcode.fill(code);
  await shot(page, 'panel-staff');
  await panel.button('確定').click();
  await expectText(panel.message, VISUAL_START);
  await expectText(stripMode(page, 'reader-1'), '目視確認');
  assert.equal(await panel.button('職員用ボタン').count(), 0, 'no 職員用ボタン while the check waits');
  await shot(page, 'panel-visual-start');

  // 新橋 太郎 places his card: straight to the consent screens.
  await panel.placeCard('shinbashi-taro');
  await expectText(panel.message, '過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。');
  await expectText(panel.screen.locator('.panel-screen-note'), 'この情報はあなたの診察や健康管理のために使用します。');
  await shot(page, 'panel-consent');
  await panel.answer({ medical: false, checkups: true, limit: true });
  await expectText(panel.message, '確認が完了しました');
  await shot(page, 'panel-done');
  await panel.button('OK').click();

  // The check is done; the reader stays in 目視確認 and the frame asks to switch it back.
  const prompt = page.getByTestId('reader-return-prompt');
  await expectText(prompt.locator('span'), '「外科受付用」の目視確認が完了しました。無人運転モードに戻してください。');
  await expectText(panel.message, '目視確認モードです。職員用ボタンで資格確認を開始するか、「中止」で無人運転モードに戻します。');
  await shot(page, 'panel-visual-idle');
  await panel.stop();
  await expectText(panel.message, PLACE_CARD);
  await expectText(stripMode(page, 'reader-1'), '無人運転');
  await eventually(async () => prompt.count(), 0);

  // The result in 資格確認履歴照会, with exactly the consents chosen (decisions.md D9).
  await menu.waitFor();
  await openTile(page, '資格確認履歴照会');
  const history = new HistoryPage(page, app.server.url);
  await history.waitFor();
  await expectText(history.summary, '検索結果：1件 1-1件表示');
  const row = await history.row(0);
  assert.equal(row.name, '新橋　太郎');
  assert.equal(row.classification, 'マイナンバーカード');
  await history.openDetail(0);
  assert.deepEqual(await history.consentTable(), {
    限度額適用認定証閲覧同意: 'あり',
    特定疾病療養受療証閲覧同意: 'あり',
    特定健診情報閲覧同意: 'あり',
    薬剤情報閲覧同意: 'なし',
    診療情報閲覧同意: 'なし',
    手術情報閲覧同意: 'なし',
  });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a re-issued passcode: the first code is refused at the reader, the second opens the check', async () => {
  const { context, problems, page } = await signedIn();
  const [first, second] = await issuePasscode(page, 2);
  const panel = new ReaderPanel(page);
  await panel.open();
  await panel.chooseReader('reader-2');

  await panel.staffButton({ passcode: first });
  await expectText(panel.passcodeMessage, 'パスコードが正しくありません。');
  await expectText(stripMode(page, 'reader-2'), '無人運転');
  assert.equal(await panel.passcode.inputValue(), '', 'the refused code is cleared');
  await shot(page, 'panel-passcode-invalid');

  await panel.passcode.fill(second);
  await panel.button('確定').click();
  await expectText(panel.message, VISUAL_START);
  await expectText(stripMode(page, 'reader-2'), '目視確認');
  await expectText(stripMode(page, 'reader-1'), '無人運転');

  // The panel beside the other screens: nothing of them is hidden underneath.
  await openTile(page, '顔認証付きカードリーダー操作');
  await page.waitForURL('**/card-readers');
  await shot(page, 'panel-card-readers');
  await assertNothingUnderThePanel(page);
  await backToMenu(page);
  await openTile(page, 'マイナンバーカードで確認');
  await page.waitForURL('**/my-number-card');
  await shot(page, 'panel-reception');
  await assertNothingUnderThePanel(page);

  // 中止 and a face visit at 内科受付用, for the camera's screen. (The panel is the first reader again
  // on each screen: which reader it plays is its own, local choice.)
  await panel.chooseReader('reader-2');
  await expectText(panel.message, VISUAL_START);
  await panel.stop();
  await expectText(panel.message, PLACE_CARD);
  await panel.placeCard('shinbashi-hanako');
  await panel.chooseFace();
  await shot(page, 'panel-face');
  await panel.takePhoto();
  await panel.answer({});
  await expectText(panel.message, '確認が完了しました');
  assert.deepEqual(problems, []);
  await context.close();
});

/** The frame ends where the panel begins. */
async function assertNothingUnderThePanel(page) {
  const frame = await page.locator('.frame').boundingBox();
  const panel = await page.getByTestId('reader-panel').boundingBox();
  assert.ok(frame && panel, 'both are shown');
  assert.ok(frame.x + frame.width <= panel.x + 0.5, `frame ${JSON.stringify(frame)} panel ${JSON.stringify(panel)}`);
}
