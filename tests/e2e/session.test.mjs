// Session rules in training mode: lockout that survives a reload, the forced-login prompt across
// tabs, and the idle logout with its warning. Playwright's clock moves the page, and the training
// world's clock is moved with it (decisions.md D1), so no test waits for real minutes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { SignInPage } from './pages/sign_in.mjs';
import { advanceTime } from './support/world.mjs';

const app = appUnderTest();

const NINE_AM = '2026-11-22T09:00:00+09:00';
const FORCE_PROMPT =
  '前回正常にログアウトされていなかった可能性があります。または、該当ユーザは既に使用されています。強制的にログインしますか？';
const LOCKED =
  'パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。';
// What else can be done, after the time the lock ends.
const RESET = 'お急ぎの場合は、管理者にパスワードの初期化を依頼してください。';

test('five wrong passwords lock the ID; the lock survives a reload and lifts after 30 minutes', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  for (const left of [4, 3, 2, 1]) {
    await signIn.submit('002', 'wrong-password');
    await expectText(
      signIn.error,
      `ユーザIDまたはパスワードが正しくありません。あと${left}回間違えると、30分間ログインできなくなります。`,
    );
    assert.equal(await signIn.password.inputValue(), '', 'the wrong password is cleared');
  }
  await signIn.submit('002', 'wrong-password');
  await expectText(signIn.error, `${LOCKED}09:30以降に再度ログインしてください。${RESET}`);
  await screenshot(page, 'sign-in-locked');

  await page.reload();
  await signIn.submit('002', 'Onshi*002*002');
  await expectText(signIn.error, `${LOCKED}09:30以降に再度ログインしてください。${RESET}`);

  await advanceTime(page, '30:00');
  await signIn.submit('002', 'Onshi*002*002');
  await new MenuPage(page).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a second tab asks before taking over the ID, and the first tab learns why it was signed out', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const first = await context.newPage();
  const firstSignIn = new SignInPage(first, app.server.url);
  await firstSignIn.goto();
  await firstSignIn.submit('002', 'Onshi*002*002');
  await new MenuPage(first).waitFor();

  const second = await context.newPage();
  const signIn = new SignInPage(second, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  await expectText(signIn.forcePrompt.message, FORCE_PROMPT);
  await screenshot(second, 'sign-in-force-prompt');
  await signIn.forcePrompt.answer('いいえ');
  await eventually(() => signIn.forcePrompt.root.count(), 0);
  assert.equal(new URL(second.url()).pathname, '/login');

  await signIn.submitButton.click();
  await signIn.forcePrompt.answer('はい');
  await new MenuPage(second).waitFor();

  // The first tab finds out at its next request: a click after a quiet minute tells the endpoint.
  await first.clock.fastForward('02:00');
  await first.locator('main').click();
  await first.waitForURL('**/login');
  await expectText(firstSignIn.notice, '同じユーザIDで別の場所からログインされたため、ログアウトしました。');
  await screenshot(first, 'sign-in-revoked');
  assert.deepEqual(problems, []);
  await context.close();
});

test('thirty idle minutes sign out, after a warning in the last minute', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('003', 'Onshi*003*003');
  const menu = new MenuPage(page);
  await menu.waitFor();
  // The screen has read what it shows (the frame's readers) before the quiet half hour starts: a read
  // still under way when the clock jumps would be sent after the jump, and count as activity then.
  await page.getByTestId('frame-readers').waitFor();

  await page.clock.fastForward('29:00');
  await expectText(menu.idleWarning.message, '操作が行われていないため、あと60秒で自動的にログアウトします。');
  await screenshot(page, 'idle-warning');
  await page.clock.fastForward('00:20');
  await expectText(menu.idleWarning.message, '操作が行われていないため、あと40秒で自動的にログアウトします。');
  await menu.idleWarning.answer('操作を続ける');
  await eventually(() => menu.idleWarning.root.count(), 0);

  // 操作を続ける counted as operation: the next 29 minutes are quiet again.
  await page.clock.fastForward('28:50');
  assert.equal(await menu.idleWarning.root.count(), 0);
  await page.clock.fastForward('00:20');
  await menu.idleWarning.root.waitFor();
  await page.clock.fastForward('01:00');
  await page.waitForURL('**/login');
  await expectText(signIn.notice, '30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。');
  await screenshot(page, 'sign-in-after-idle');

  // Seed 001 FAQ 3: after an automatic logout the prompt appears, and はい signs in.
  await signIn.submit('003', 'Onshi*003*003');
  await expectText(signIn.forcePrompt.message, FORCE_PROMPT);
  await signIn.forcePrompt.answer('はい');
  await menu.waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reload after the idle limit signs out at once', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('admin01', 'Onshi*admin*01');
  await new MenuPage(page).waitFor();
  // A tab asleep for 45 minutes: the time jumps and no timer has fired. (The page is away while the
  // time jumps, so the open page's own idle check cannot sign out before the reload.)
  const menuUrl = page.url();
  await page.goto('about:blank');
  await page.clock.setSystemTime(new Date('2026-11-22T09:45:00+09:00'));
  await page.goto(menuUrl);
  await page.waitForURL('**/login');
  await expectText(signIn.notice, '30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。');
  assert.deepEqual(problems, []);
  await context.close();
});
