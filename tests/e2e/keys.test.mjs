// The screen conventions of docs/decisions.md D11: the first field of a form has the focus when its screen
// opens; the key map's function keys press the buttons that show them, and never act behind a
// dialog; Escape closes a dialog and gives the focus back to where it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };

/** The id of the element with the keyboard focus (`''` for none). */
function focusedId(page) {
  return page.evaluate(() => (document.activeElement === document.body ? '' : document.activeElement?.id ?? ''));
}

test('the first field of a form has the focus when its screen opens', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await eventually(() => focusedId(page), 'user_id', { message: 'サインインのユーザID' });
  // Staff can type at once: no click first.
  await page.keyboard.type('002');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Onshi*002*002');
  await page.keyboard.press('Enter');
  const menu = new MenuPage(page);
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  const inquiry = new InquiryPage(page, app.server.url);
  await inquiry.waitFor();
  await eventually(() => focusedId(page), 'insurer_number', { message: '保険者番号' });
  await page.goto(`${app.server.url}/password`);
  await eventually(() => focusedId(page), 'current_password', { message: '現在のパスワード' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('F8 presses the screen\'s main button, F9 メニュー and F4 戻る, each shown on its button', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  const menu = new MenuPage(page);
  await expectText(inquiry.search.locator('.key-hint'), 'F8');
  assert.deepEqual(await page.locator('.frame-footer .key-hint').allTextContents(), ['F9', 'F4']);
  assert.equal(await inquiry.search.getAttribute('aria-keyshortcuts'), 'F8');
  await screenshot(page, 'keys-inquiry');
  await page.keyboard.press('F9');
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  await inquiry.waitFor();
  await page.keyboard.press('F4');
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  await inquiry.waitFor();
  // The card typed, then F8 instead of Enter or a click.
  await inquiry.insurerNumber.fill(TARO.insurer);
  await inquiry.symbol.fill(TARO.symbol);
  await inquiry.number.fill(TARO.number);
  await inquiry.branch.fill(TARO.branch);
  await inquiry.birthdate.fill(TARO.birthdate);
  await page.keyboard.press('F8');
  await expectText(inquiry.banner, 'この資格は有効です。');
  await screenshot(page, 'keys-result');
  // On the result, F2 is 次の患者へ(保険証): an empty form, its first field ready for the next card.
  assert.equal(await inquiry.nextInsurance.getAttribute('aria-keyshortcuts'), 'F2');
  await page.keyboard.press('F2');
  await inquiry.search.waitFor();
  await eventually(() => focusedId(page), 'insurer_number', { message: '次の患者へ: 保険者番号' });
  assert.equal(await inquiry.insurerNumber.inputValue(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('behind a dialog the keys do nothing; Escape closes it and gives the focus back', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  await inquiry.logoutButton.focus();
  await page.keyboard.press('Enter');
  await inquiry.logoutConfirm.root.waitFor();
  // The dialog's first button has the focus; F9 would open the menu behind it.
  await page.keyboard.press('F9');
  await page.keyboard.press('Escape');
  await inquiry.logoutConfirm.root.waitFor({ state: 'detached' });
  // Keys are handled in order, and a link's navigation starts in its click: had F9 pressed メニュー,
  // the address would have changed before Escape was handled.
  assert.ok(page.url().endsWith('/insurance-card'), page.url());
  await eventually(
    () => page.evaluate(() => document.activeElement?.classList.contains('button-logout') ?? false),
    true,
    { message: 'the focus is back on ログアウト' },
  );
  assert.deepEqual(problems, []);
  await context.close();
});
