// 照会番号 「編集」 and the outbox (decisions.md D4): a registration is kept
// (encrypted under the device key) before it is sent, and kept until the endpoint answers. Faults are
// injected with Playwright's route interception (a timeout, a 500 after the endpoint applied the write,
// a dropped connection) and by stopping the reference endpoint mid-write and starting it again on the
// same SQLite file. Every attempt carries the same Idempotency-Key, so nothing is lost and nothing is
// applied twice; the replay by the next user names the original one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { startServer } from './support/server.mjs';
import { MenuPage } from './pages/frame.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { OutboxPage, ReferenceEditor, rawRecords } from './pages/outbox.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';
import { worldRequestCount } from './support/world.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };
const REGISTERED = '照会番号を登録しました。';
const KEPT =
  '接続先から応答がありませんでした。この登録は未送信の登録として端末に保持し、自動で再送します。';
const REGISTRATIONS = '**/onshi/v1/reference-numbers';

/** Signs in and runs Case2 for 新橋 太郎 up to 資格情報確認. */
async function taroResult(page, baseUrl, user = ['002', 'Onshi*002*002']) {
  const signIn = new SignInPage(page, baseUrl);
  await signIn.goto();
  await signIn.submit(...user);
  await new MenuPage(page).waitFor();
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  const inquiry = new InquiryPage(page, baseUrl);
  await inquiry.waitFor();
  await inquiry.typeCard(TARO);
  await expectText(inquiry.banner, 'この資格は有効です。');
  return inquiry;
}

/** Switches a fresh page to the endpoint that served it. */
function useThisServer(page, baseUrl) {
  return new SettingsPage(page, baseUrl).useThisServer();
}

/** Records each registration attempt's Idempotency-Key and Onshi-Original-User as the page sent them. */
function recordAttempts(page) {
  const attempts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/onshi/v1/reference-numbers')) {
      const headers = request.headers();
      attempts.push({ key: headers['idempotency-key'], original: headers['onshi-original-user'] });
    }
  });
  return attempts;
}

/**
 * Checks that the only problems a page reported are the browser's own console lines for the faults
 * this test injected (Chromium logs each failed or 5xx request as an error, and the frame's event
 * stream cut when the endpoint stops as an incomplete chunked answer; the app handled them).
 */
function assertOnlyInjectedFaults(problems) {
  for (const problem of problems) {
    assert.match(
      problem,
      /^console: (Failed to load resource: (the server responded with a status of 500|net::ERR_(TIMED_OUT|CONNECTION_RESET|CONNECTION_REFUSED|FAILED|INCOMPLETE_CHUNKED_ENCODING))|.*ERR_CONNECTION_REFUSED)/,
    );
  }
}

/**
 * The text a reader of the raw database would see, for looking for plain secrets: stored bytes as the
 * bytes themselves (plain text would show there as UTF-8), every other value as it is — except the
 * fields whose form the assertions check exactly (hex ids and hashes, sequence numbers, sizes,
 * times), whose random digits could hold a short secret like 「002」 by chance (that once made the
 * check flaky).
 */
function plainText(records) {
  const opaque = new Set(['id', 'seq', 'size', 'created_at', 'identity']);
  const parts = [];
  const walk = (value, key) => {
    if (opaque.has(key)) return;
    if (typeof value === 'string') {
      // Bytes as the bytes themselves (not JSON, whose escapes such as \u0002 would hold digits).
      parts.push(value.startsWith('bytes:') ? atob(value.slice(6)) : value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, undefined);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        parts.push(k);
        walk(v, k);
      }
    } else {
      parts.push(String(value));
    }
  };
  walk(records, undefined);
  return parts.join('\n');
}

/**
 * Asserts that the session cache holds only ciphertext: entries of a sequence number, a size, an IV
 * and data; lookup keys only as HMACs; its keys non-extractable.
 */
function assertCacheCiphertextOnly(records, secrets) {
  assert.ok(records, 'the session cache exists');
  assert.ok(records.entries.length > 0, 'it holds something');
  for (const entry of records.entries) {
    assert.deepEqual(Object.keys(entry).sort(), ['data', 'iv', 'seq', 'size']);
  }
  const keys = records.meta.find((m) => typeof m === 'object' && 'encryption' in m);
  assert.equal(keys.encryption, 'CryptoKey(extractable=false)');
  assert.equal(keys.naming, 'CryptoKey(extractable=false)');
  assert.match(keys.identity, /^[0-9a-f]{64}$/, "the session's identity only as a SHA-256");
  // The other meta records are the cache's counters (bytes, entries, next sequence number): plain
  // numbers whose digits could hold a short secret like 「002」 by chance (a usage of 4,002 bytes did).
  const counters = records.meta.filter((m) => typeof m !== 'object');
  for (const counter of counters) assert.match(counter, /^\d+$/, 'a counter is a number');
  const everything = plainText({ ...records, meta: records.meta.filter((m) => typeof m === 'object') });
  for (const secret of secrets) assert.ok(!everything.includes(secret), `no plain ${secret}`);
}

/** Asserts that an outbox database holds no plain text of the write: only ids, times, IVs, ciphertext. */
function assertCiphertextOnly(records, secrets) {
  assert.ok(records, 'the outbox database exists');
  for (const entry of records.entries) {
    assert.deepEqual(Object.keys(entry).sort(), ['created_at', 'data', 'id', 'iv']);
    assert.match(entry.id, /^[0-9a-f]{32}$/);
  }
  for (const key of records.keys) {
    assert.equal(key.key, 'CryptoKey(extractable=false)');
  }
  const everything = plainText(records);
  for (const secret of secrets) assert.ok(!everything.includes(secret), `no plain ${secret}`);
}

test('「編集」 in training mode: bad numbers get their message and nothing is sent; a good one registers', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await taroResult(page, app.server.url);
  const editor = new ReferenceEditor(page);
  await editor.edit.click();
  for (const [value, message] of [
    ['', '照会番号を入力してください。'],
    ['   ', '照会番号を入力してください。'],
    ['X'.repeat(51), '照会番号は50文字以内で入力してください。'],
    ['あ'.repeat(51), '照会番号は50文字以内で入力してください。'],
  ]) {
    await editor.registerAs(value);
    await expectText(editor.message, message);
    assert.equal(await editor.status.count(), 0, 'nothing was sent');
  }
  // The training world's own counter agrees: no registration reached it (decisions.md D3).
  assert.equal((await worldRequestCount(page, 'POST', '/reference-numbers')).count, 0, 'nothing was sent');
  await screenshot(page, 'reference-edit-bad');
  await editor.registerAs('K-0042');
  await expectText(editor.status, REGISTERED);
  // The positive control: the good number was counted once.
  assert.equal((await worldRequestCount(page, 'POST', '/reference-numbers')).count, 1);
  await expectText(editor.number, 'K-0042');
  // The national side now answers with the number for this card.
  await inquiry.nextInsurance.click();
  await inquiry.search.waitFor();
  await inquiry.typeCard(TARO);
  await expectText(inquiry.banner, 'この資格は有効です。');
  await expectText(editor.number, 'K-0042');
  await screenshot(page, 'reference-edit-registered');
  // An answered write leaves nothing behind.
  assert.equal(await new OutboxPage(page).badge.count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('against the reference endpoint: a timeout, a 500 after the write and a dropped connection lose nothing and apply it once', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  await useThisServer(page, app.server.url);
  const attempts = recordAttempts(page);
  const replayed = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/onshi/v1/reference-numbers')) {
      replayed.push(response.headers()['idempotent-replayed'] ?? 'first');
    }
  });
  await taroResult(page, app.server.url);
  const editor = new ReferenceEditor(page);
  const outbox = new OutboxPage(page);

  // Signed in, the session cache holds what this result's screen keeps (the items handed to the
  // レセコン), as ciphertext only.
  await eventually(async () => ((await rawRecords(page, 'onshi-cache'))?.entries ?? []).length > 0, true);
  assertCacheCiphertextOnly(await rawRecords(page, 'onshi-cache'), ['新橋', '10001', 'hand-over', 'address', '002']);
  assert.equal(await rawRecords(page, 'onshi-training-cache'), null, 'training data never mixes in');

  // One route for the whole test, so that no request slips through while faults are swapped.
  let fault = 'hang';
  await page.route(REGISTRATIONS, async (route) => {
    if (fault === 'hang') return;
    if (fault === 'reset') return route.abort('connectionreset');
    if (fault === '500') {
      const real = await route.fetch();
      assert.equal(real.status(), 200);
      return route.fulfill({ status: 500, body: 'proxy error' });
    }
    return route.continue();
  });

  // 1. The request never gets an answer: the app's own deadline (30 s) gives up on it.
  await editor.registerAs('R-100');
  await eventually(() => attempts.length, 1);
  await page.clock.fastForward(31_000);
  await expectText(editor.status, `${KEPT} 未送信の登録`);
  await expectText(outbox.badge, '未送信の登録 1件');
  await screenshot(page, 'reference-kept');

  // Kept encrypted: nothing of the patient, the number or the user in clear.
  assertCiphertextOnly(await rawRecords(page, 'onshi-outbox'), ['R-100', '10001', '06139000', '新橋', '002']);
  assert.equal(await rawRecords(page, 'onshi-training-outbox'), null, 'training data never mixes in');

  // 2. It survives a reload; the replay on the next screen meets a connection reset.
  fault = 'reset';
  await page.reload();
  await outbox.badge.click();
  await outbox.waitFor();
  await eventually(
    async () => (await outbox.entries())[0]?.state,
    '送信できませんでした（自動で再送します）：通信エラーが発生しました。ネットワークの接続を確認してから再度お試しください。',
  );
  const [kept] = await outbox.entries();
  assert.match(kept.content, /^照会番号登録：R-100（06139000 9000 10001 01）$/);

  // 3. The endpoint applies it but the answer is lost to a 500 on the way back.
  fault = '500';
  await outbox.resend.click();
  await eventually(async () => (await outbox.entries())[0]?.state, '送信できませんでした（自動で再送します）：HTTP 500');

  // 4. The way is clear: the endpoint recognises the key and replays its answer; nothing is applied twice.
  fault = 'none';
  await outbox.resend.click();
  await eventually(async () => (await outbox.entries())[0]?.state, `送信済み：${REGISTERED}`);
  await screenshot(page, 'outbox-done');
  const keys = new Set(attempts.map((a) => a.key));
  assert.ok(attempts.length >= 4, `attempts: ${JSON.stringify(attempts)}`);
  assert.equal(keys.size, 1, 'every attempt carried the same Idempotency-Key');
  assert.match([...keys][0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(replayed.at(-1), 'true', 'the endpoint answered from its idempotency record');
  await page.getByRole('button', { name: '確認済み' }).click();
  await outbox.empty.waitFor();
  assert.equal(await outbox.badge.count(), 0);
  assertOnlyInjectedFaults(problems);
  await context.close();
});

test('the endpoint stopped mid-write: logout asks, the write is kept, and the next user sends it after a restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onshi-outbox-'));
  const database = path.join(dir, 'onshi.db');
  let server = await startServer({ extraArgs: ['--training', '--database', database] });
  const listen = new URL(server.url).host;
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  try {
    const page = await context.newPage();
    await useThisServer(page, server.url);
    const attempts = recordAttempts(page);
    await taroResult(page, server.url);
    const editor = new ReferenceEditor(page);
    const outbox = new OutboxPage(page);

    await eventually(async () => ((await rawRecords(page, 'onshi-cache'))?.entries ?? []).length > 0, true);
    await server.stop();
    await editor.registerAs('R-200');
    await expectText(editor.status, `${KEPT} 未送信の登録`);
    await expectText(outbox.badge, '未送信の登録 1件');

    // Logout asks what to do with it; sending now cannot work while the endpoint is down.
    await outbox.logoutButton.click();
    await expectText(
      outbox.logoutPrompt.message,
      '未送信の登録が1件あります。今すぐ送信するか、この端末に保持してログアウトするかを選んでください（保持した登録は、次にログインした同じ医療機関の利用者の操作で送信されます）。',
    );
    await screenshot(page, 'logout-with-outbox');
    await outbox.logoutPrompt.answer('今すぐ送信');
    // It stays, and the question stays open with the same count.
    await outbox.logoutPrompt.root.getByRole('button', { name: '今すぐ送信' }).and(page.locator(':enabled')).waitFor();
    await expectText(outbox.badge, '未送信の登録 1件');
    assert.match((await outbox.logoutPrompt.message.textContent()) ?? '', /^未送信の登録が1件あります。/);
    await outbox.logoutPrompt.answer('保持してログアウト');
    await page.waitForURL('**/login');

    // After logout the session cache is gone; the outbox is still there, as ciphertext only.
    await eventually(async () => rawRecords(page, 'onshi-cache'), null);
    assertCiphertextOnly(await rawRecords(page, 'onshi-outbox'), ['R-200', '10001', '新橋', '002']);

    // The endpoint comes back on the same file and port; 003 signs in and the write goes out as 002's.
    server = await startServer({ listen, extraArgs: ['--training', '--database', database] });
    const signIn = new SignInPage(page, server.url);
    await signIn.goto();
    await signIn.submit('003', 'Onshi*003*003');
    await new MenuPage(page).waitFor();
    await expectText(outbox.badge, '未送信の登録 1件');
    await outbox.badge.click();
    await outbox.waitFor();
    await eventually(async () => (await outbox.entries())[0]?.state, `送信済み：${REGISTERED}`, { timeout: 10_000 });
    const sent = attempts.filter((a) => a.original);
    assert.ok(sent.length >= 2, JSON.stringify(attempts));
    assert.equal(new Set(sent.map((a) => a.key)).size, 1, 'one key for every attempt');
    assert.ok(sent.every((a) => a.original === '002'), 'the replay names who made the change');
    const [done] = await outbox.entries();
    assert.equal(done.user, 'スタッフ002', 'the maker is shown');

    // The national side now knows the number for 新橋 太郎.
    await page.locator('.frame-footer a', { hasText: 'メニュー' }).click();
    await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
    const inquiry = new InquiryPage(page, server.url);
    await inquiry.waitFor();
    await inquiry.typeCard(TARO);
    await expectText(inquiry.banner, 'この資格は有効です。');
    await expectText(editor.number, 'R-200');
    assertOnlyInjectedFaults(problems);
  } finally {
    await context.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
