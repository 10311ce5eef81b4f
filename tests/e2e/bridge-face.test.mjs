// The folder bridge's face reader files that cannot be read: the reference endpoint in bridge mode
// on a temporary share, with a real first run (master's initial password from stdout, changed over
// the contract before the browser signs in). A Shift_JIS file declared as UTF-8 and an encrypted
// one dropped into face/ each appear on 「マイナンバーカードで確認」 as a Japanese notice (why, and what to do),
// stay listed after a reload and after reopening the screen, and are kept as copies beside the
// database while the originals stay in face/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { repoRoot, startServer } from './support/server.mjs';
import { MenuPage } from './pages/frame.mjs';
import { ReceptionPage } from './pages/reception.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const FIXTURES = path.join(repoRoot, 'crates/onshi-core/tests/fixtures/wire');
const MASTER = 'master';
const NEW_PASSWORD = 'Bridge*Master*14';
const SJIS_FILE = 'OQSsiquc01res_face_e2e_20261207093000.xml';
const ENCRYPTED_FILE = 'OQSsiquc01res_face_e2e_20261207093100.xml';
const HEAD = /^\d\d:\d\d:\d\d　顔認証付きカードリーダーから確認結果が届きましたが、読み取れませんでした。この患者は一覧に表示されません。$/;
const ACTION = 'この患者の資格は「保険証/処方箋で確認」で確認してください。繰り返し発生する場合は、資格確認端末の販売業者にお問い合わせください。';
const ENCODING = 'ファイルの文字コードが、ファイル内で指定された文字コードと一致しないため、内容を読み取れません。';
const ENCRYPTED = '資格確認端末の設定でファイルが暗号化されている、またはファイルが壊れているため、内容を読み取れません。';

const bridge = { dir: undefined, share: undefined, database: undefined, server: undefined, browser: undefined };

before(async () => {
  bridge.dir = mkdtempSync(path.join(tmpdir(), 'onshi-bridge-face-'));
  bridge.share = path.join(bridge.dir, 'share');
  for (const folder of ['req', 'res', 'face']) mkdirSync(path.join(bridge.share, folder), { recursive: true });
  bridge.database = path.join(bridge.dir, 'onshi.db');
  bridge.server = await startServer({
    extraArgs: [
      '--bridge', bridge.share,
      '--database', bridge.database,
      '--institution-code', '1234567897',
      '--institution-name', 'ブリッジ医療機関',
      '--share-poll-ms', '50',
    ],
  });
  bridge.browser = await launch();
});

after(async () => {
  await bridge.browser?.close();
  await bridge.server?.stop();
  if (bridge.dir) rmSync(bridge.dir, { recursive: true, force: true });
});

/** Calls the contract from node (no page), as whoever set the endpoint up would. */
async function call(method, target, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${bridge.server.url}/onshi/v1${target}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** The first run's initial password of master, read from the server's stdout, replaced by our own. */
async function setMastersPassword() {
  const line = bridge.server.stdoutLines().find((l) => l.includes('created the account master'));
  assert.ok(line, `the first run names master's initial password: ${bridge.server.stdoutLines().join('\n')}`);
  const initial = line.match(/initial password (\S+)/)?.[1];
  assert.ok(initial, line);
  const signedIn = await call('POST', '/session', { body: { user_id: MASTER, password: initial, force: false } });
  assert.equal(signedIn.status, 201, JSON.stringify(signedIn.json));
  const { token } = signedIn.json;
  const changed = await call('PUT', '/session/password', { token, body: { current: initial, new: NEW_PASSWORD } });
  assert.equal(changed.status, 204, JSON.stringify(changed.json));
  // Signed out, so that the browser's sign-in finds no session in use.
  assert.equal((await call('DELETE', '/session', { token })).status, 204);
}

/** Writes a face reader result into face/ whole: written under a hidden name, then renamed. */
function dropFaceFile(name, bytes) {
  const hidden = path.join(bridge.share, 'face', `.${name}.part`);
  writeFileSync(hidden, bytes);
  renameSync(hidden, path.join(bridge.share, 'face', name));
}

/** Opens 「マイナンバーカードで確認」 from the menu. */
async function openReception(page) {
  const menu = new MenuPage(page);
  await menu.waitFor();
  await page.locator('.menu a.tile', { hasText: 'マイナンバーカードで確認' }).click();
  const reception = new ReceptionPage(page);
  await reception.waitFor();
  return reception;
}

/** Checks both notices, newest (the encrypted file) first. */
async function bothNoticesShown(reception) {
  await eventually(() => reception.unreadableNotices.count(), 2);
  const encrypted = await reception.unreadableNotice(0);
  assert.equal(encrypted.reason, 'encrypted');
  assert.match(encrypted.texts[0], HEAD);
  assert.deepEqual(encrypted.texts.slice(1), [ENCRYPTED, ACTION, `ファイル名：${ENCRYPTED_FILE}`]);
  const encoding = await reception.unreadableNotice(1);
  assert.equal(encoding.reason, 'encoding');
  assert.match(encoding.texts[0], HEAD);
  assert.deepEqual(encoding.texts.slice(1), [ENCODING, ACTION, `ファイル名：${SJIS_FILE}`]);
  // Only our words: nothing of the endpoint's English detail (the file name is the one Latin text).
  for (const notice of [encrypted, encoding]) {
    for (const said of notice.texts.slice(0, 3)) assert.doesNotMatch(said, /[A-Za-z]/, said);
  }
}

test('face files the bridge cannot read are told on the reception screen, and kept beside the database', async () => {
  await setMastersPassword();
  const capabilities = await call('GET', '/capabilities');
  assert.ok(Number.isInteger(capabilities.json.national_timeout_s), JSON.stringify(capabilities.json));

  const { context, problems } = await newContext(bridge.browser);
  const page = await context.newPage();
  await new SettingsPage(page, bridge.server.url).useThisServer();
  const signIn = new SignInPage(page, bridge.server.url);
  await signIn.goto();
  await signIn.submit(MASTER, NEW_PASSWORD);
  const reception = await openReception(page);
  assert.equal(await reception.unreadableNotices.count(), 0);
  assert.equal(await reception.unreadable.getAttribute('role'), 'alert');

  // Shift_JIS bytes in a file that declares UTF-8 (CharacterCodeIdentifier 0): a wrong encoding.
  dropFaceFile(SJIS_FILE, readFileSync(path.join(FIXTURES, 'face-sjis-declared-utf8.xml')));
  await eventually(() => reception.unreadableNotices.count(), 1);
  const encoding = await reception.unreadableNotice(0);
  assert.equal(encoding.reason, 'encoding');
  assert.match(encoding.texts[0], HEAD);
  assert.deepEqual(encoding.texts.slice(1), [ENCODING, ACTION, `ファイル名：${SJIS_FILE}`]);
  await expectText(reception.unreadableNotices.first().getByRole('link'), '保険証/処方箋で確認');
  assert.equal(await reception.rows.count(), 0, 'the patient appears in no list');
  await screenshot(page, 'bridge-face-unreadable-encoding');

  // Not text at all: the terminal encrypts the file, or it is broken; both causes are named.
  dropFaceFile(ENCRYPTED_FILE, readFileSync(path.join(FIXTURES, 'face-encrypted.bin')));
  await bothNoticesShown(reception);
  await screenshot(page, 'bridge-face-unreadable-both');

  // Today's notices are read again from the backlog: after a reload, and on reopening the screen.
  await page.reload();
  await reception.waitFor();
  await bothNoticesShown(reception);
  await page.locator('.frame-footer').getByRole('link', { name: 'メニュー' }).click();
  await openReception(page);
  await bothNoticesShown(reception);
  await screenshot(page, 'bridge-face-unreadable-reopened');

  // The link leads where staff confirm the patient instead.
  await reception.unreadableNotices.first().getByRole('link', { name: '保険証/処方箋で確認' }).click();
  await page.waitForURL('**/insurance-card');

  // Copies beside the database (`<stem>.unreadable-face/`), the originals left in face/.
  const kept = path.join(bridge.dir, 'onshi.unreadable-face');
  for (const name of [SJIS_FILE, ENCRYPTED_FILE]) {
    assert.ok(existsSync(path.join(kept, name)), `a copy of ${name} is kept`);
    assert.ok(existsSync(path.join(bridge.share, 'face', name)), `${name} stays in face/`);
    assert.deepEqual(readFileSync(path.join(kept, name)), readFileSync(path.join(bridge.share, 'face', name)));
  }
  assert.deepEqual(problems, []);
  await context.close();
});
