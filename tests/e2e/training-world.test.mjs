// The training world in its service worker (decisions.md D3): it answers the training endpoint's
// contract under /training/onshi/v1, keeps its state in IndexedDB record by record, and may be stopped
// by the browser at any moment. These tests stop it on purpose (the DevTools protocol's
// `ServiceWorker.stopAllWorkers`) in the middle of flows: the next request rebuilds the world from
// IndexedDB, and an open event stream resumes by Last-Event-ID.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { stopWorkers, worldCall, worldReady, worldRequestCount } from './support/world.mjs';
import { MenuPage } from './pages/frame.mjs';
import { HistoryPage } from './pages/history.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest();

const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };
const LOCKED = 'パスワードを5回間違えたため、ログインができなくなりました。';
const HANAKO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '02', birthdate: 'S30.1.18' };

async function signIn(page, user, password) {
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit(user, password);
  await new MenuPage(page).waitFor();
}

async function inquire(page, card) {
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  const inquiry = new InquiryPage(page, app.server.url);
  await inquiry.waitFor();
  await inquiry.typeCard(card);
  await inquiry.banner.waitFor();
  await page.getByRole('link', { name: 'メニュー' }).click();
  await new MenuPage(page).waitFor();
}

test('the training world answers under its own path, from the service worker, and nowhere else', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  await new SignInPage(page, app.server.url).goto();
  await worldReady(page);
  const capabilities = await worldCall(page, 'GET', '/capabilities');
  assert.equal(capabilities.status, 200);
  assert.equal(capabilities.body.training, true);
  // The same path asked of the server itself (not through the page's worker) is no endpoint there.
  const escaped = await fetch(`${app.server.url}/training/onshi/v1/capabilities`);
  assert.equal(escaped.status, 404, 'the server never answers the training path with the app');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a worker stopped between sign-in and an inquiry is rebuilt from IndexedDB: the session and the history hold', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  await signIn(page, '002', 'Onshi*002*002');
  await inquire(page, TARO);
  const before = await worldRequestCount(page, 'POST', '/qualifications');
  assert.equal(before.count, 1);

  await stopWorkers(page);
  // The next inquiry starts the world again: the session signed in before the stop still stands.
  await inquire(page, HANAKO);
  const after = await worldRequestCount(page, 'POST', '/qualifications');
  assert.notEqual(after.since, before.since, 'the worker was really stopped: its counter started anew');
  assert.equal(after.count, 1);

  await page.locator('.menu a.tile', { hasText: '資格確認履歴照会' }).click();
  const history = new HistoryPage(page, app.server.url);
  await history.waitFor();
  await history.search.click();
  await expectText(history.summary, '検索結果：2件 1-2件表示');
  await screenshot(page, 'training-world-after-stop');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an event stream cut by a worker stop resumes: a result made in another tab still appears', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  await signIn(page, '002', 'Onshi*002*002');
  await inquire(page, TARO);
  await page.locator('.menu a.tile', { hasText: '資格確認履歴照会' }).click();
  const history = new HistoryPage(page, app.server.url);
  await history.waitFor();
  await history.search.click();
  await expectText(history.summary, '検索結果：1件 1-1件表示');

  await stopWorkers(page);
  const other = await context.newPage();
  await signIn(other, '003', 'Onshi*003*003');
  await inquire(other, HANAKO);

  await expectText(history.summary, '検索結果：2件 1-2件表示', { timeout: 20_000 });
  await expectText(history.newRows, '検索後に新しい資格確認結果が1件届きました。');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lock made in one tab holds in another and after a worker stop', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  for (const left of [4, 3, 2, 1]) {
    await signIn.submit('admin01', 'wrong-password');
    await expectText(
      signIn.error,
      `ユーザIDまたはパスワードが正しくありません。あと${left}回間違えると、30分間ログインできなくなります。`,
    );
  }
  await signIn.submit('admin01', 'wrong-password');
  await eventually(async () => ((await signIn.error.textContent()) ?? '').startsWith(LOCKED), true);
  await stopWorkers(page);
  const other = await context.newPage();
  const otherSignIn = new SignInPage(other, app.server.url);
  await otherSignIn.goto();
  await otherSignIn.submit('admin01', 'Onshi*admin*01');
  await eventually(async () => ((await otherSignIn.error.textContent()) ?? '').startsWith(LOCKED), true);
  assert.deepEqual(problems, []);
  await context.close();
});
