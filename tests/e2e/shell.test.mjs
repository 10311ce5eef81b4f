// The shell: start page, sign-in, the menu of each account kind, sign-out, and the CSP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { Frame, MenuPage } from './pages/frame.mjs';
import { SignInPage } from './pages/sign_in.mjs';
import { StartPage } from './pages/start.mjs';
import { worldRequestCount } from './support/world.mjs';

const app = appUnderTest();

// The tiles whose screens exist so far.
const LIVE_TILES = [
  'マイナンバーカードで確認',
  '保険証/処方箋で確認',
  '資格確認履歴照会',
  '顔認証付きカードリーダー操作',
  '目視確認用パスコード発行',
  'パスワード変更',
];

const GENERAL_TILES = [
  'マイナンバーカードで確認',
  '保険証/処方箋で確認',
  '資格確認履歴照会',
  '顔認証付きカードリーダー操作',
  '同意済資格情報取得',
  '資格情報照会',
  '資格情報一括照会',
  '資格情報一括照会結果',
  '同意取消照会',
  '資格情報一括照会',
  '資格情報一括照会結果',
  '照会番号一括登録',
  '照会番号一括登録結果',
  '委託先資格情報一括取得',
  'パスワード変更',
];

// Decisions.md D2: who sees what. Literal lists, not read back from the app.
const ACCOUNTS = [
  {
    id: '002', password: 'Onshi*002*002', name: 'スタッフ002', label: '一般',
    tiles: [...GENERAL_TILES, '目視確認用パスコード発行'],
  },
  {
    id: '003', password: 'Onshi*003*003', name: '医療情報閲覧003', label: '医療情報閲覧',
    tiles: [...GENERAL_TILES, '目視確認用パスコード発行', '災害時医療情報閲覧', '医療情報閲覧'],
  },
  {
    id: 'admin01', password: 'Onshi*admin*01', name: '医療機関管理 01', label: '管理者',
    tiles: [...GENERAL_TILES, 'アカウント登録/更新', '目視確認用パスコード発行', '災害時医療情報閲覧'],
  },
  {
    id: 'master', password: 'Onshi*master*00', name: 'マスタアカウント', label: 'マスタ',
    tiles: [...GENERAL_TILES, 'アカウント登録/更新', '目視確認用パスコード発行', '災害時医療情報閲覧'],
  },
];

test('the start page leads to the sign-in form in training mode, under a strict CSP', async () => {
  const response = await fetch(`${app.server.url}/`);
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  assert.doesNotMatch(await response.text(), /<script>(?!<\/script>)|<script type="module">/, 'no inline script');

  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const start = new StartPage(page, app.server.url);
  await start.goto();
  await expectText(page.getByTestId('training-banner').locator('strong'), '研修モード');
  await screenshot(page, 'start');
  await start.begin.click();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.userId.waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  await expectText(page.locator('.sign-in-note'),
    '※パスワードを5回間違えると、ログインができなくなります。その場合は30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。');
  await signIn.trainingAccounts.waitFor();
  await screenshot(page, 'sign-in');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const account of ACCOUNTS) {
  test(`${account.id} signs in to the ${account.label} menu and signs out`, async () => {
    const { context, problems } = await newContext(app.browser);
    const page = await context.newPage();
    const signIn = new SignInPage(page, app.server.url);
    await signIn.goto();
    await signIn.submit(account.id, account.password);
    const menu = new MenuPage(page);
    await menu.waitFor();
    await expectText(menu.accountName, account.name);
    await expectText(menu.accountKind, account.label);
    await expectText(menu.institution, 'サンプル医療機関');
    await expectText(menu.trainingBanner.locator('strong'), '研修モード');
    assert.deepEqual(await menu.tileLabels(), account.tiles);
    // A tile whose screen exists is a link; every other is 準備中 (decisions.md D9).
    const live = account.tiles.filter((label) => LIVE_TILES.includes(label));
    assert.equal(await menu.soonTiles.count(), account.tiles.length - live.length);
    assert.deepEqual(await page.locator('.menu a.tile .tile-label').allTextContents(), live);
    await screenshot(page, `menu-${account.id}`);

    // A reload keeps the session (sessionStorage, per tab).
    await page.reload();
    await menu.waitFor();
    await expectText(menu.accountName, account.name);

    await menu.logout();
    await signIn.userId.waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await signIn.notice.count(), 0, 'a normal logout leaves no notice');
    await page.goto(`${app.server.url}/menu`);
    await signIn.userId.waitFor();
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out means signed out');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('logout asks first, and キャンセル keeps the session', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  const menu = new MenuPage(page);
  await menu.waitFor();
  await menu.logoutButton.click();
  await expectText(menu.logoutConfirm.message, 'ログアウトします。よろしいですか？');
  await screenshot(page, 'logout-confirm');
  await menu.logoutConfirm.answer('キャンセル');
  await eventually(() => menu.logoutConfirm.root.count(), 0);
  await expectText(menu.screenName, 'メニュー');
  // Escape answers like キャンセル.
  await menu.logoutButton.click();
  await menu.logoutConfirm.root.waitFor();
  await page.keyboard.press('Escape');
  await eventually(() => menu.logoutConfirm.root.count(), 0);
  await expectText(menu.screenName, 'メニュー');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the system account is refused at sign-in and never reaches a menu', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('renkei01', 'Onshi*renkei*01');
  await expectText(signIn.error, 'このアカウントはシステム連携用のため、画面からはログインできません。');
  assert.equal(new URL(page.url()).pathname, '/login');
  await screenshot(page, 'sign-in-system-account');
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input gets its message next to the field and nothing is sent', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  const cases = [
    ['', '', 'ユーザIDを入力してください。', 'パスワードを入力してください。'],
    ['002', '', '', 'パスワードを入力してください。'],
    ['', 'Onshi*002*002', 'ユーザIDを入力してください。', ''],
    ['a'.repeat(65), 'x', 'ユーザIDは64文字以内で入力してください。', ''],
    ['００２', 'x', 'ユーザIDは半角英数字・記号で入力してください。', ''],
    ['0 02', 'x', 'ユーザIDは半角英数字・記号で入力してください。', ''],
    ['002', 'p'.repeat(129), '', 'パスワードは128文字以内で入力してください。'],
    ['002', 'Ｏｎｓｈｉ＊００２', '', 'パスワードに全角文字が含まれています。半角で入力してください。'],
  ];
  for (const [userId, password, userIdMessage, passwordMessage] of cases) {
    await signIn.submit(userId, password);
    await expectText(signIn.fieldMessage('user_id'), userIdMessage);
    await expectText(signIn.fieldMessage('password'), passwordMessage);
    assert.equal(await signIn.userId.getAttribute('aria-invalid'), userIdMessage ? 'true' : 'false');
  }
  // Enter submits too.
  await signIn.fill('', '');
  await signIn.password.press('Enter');
  await expectText(signIn.fieldMessage('user_id'), 'ユーザIDを入力してください。');
  await screenshot(page, 'sign-in-bad-input');
  // Nothing was sent: the training world counted no sign-in (decisions.md D3).
  assert.equal((await worldRequestCount(page, 'POST', '/session')).count, 0, 'nothing was sent');
  // The fixed form then signs in at once, with no lock or count left behind, and is counted.
  await signIn.submit('002', 'Onshi*002*002');
  await new MenuPage(page).waitFor();
  assert.equal((await worldRequestCount(page, 'POST', '/session')).count, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('screens need a session, and an unknown address says so', async () => {
  const { context, problems } = await newContext(app.browser);
  const page = await context.newPage();
  await page.goto(`${app.server.url}/menu`);
  await page.waitForURL('**/login');
  await page.goto(`${app.server.url}/no/such/screen`);
  await expectText(page.locator('.notice'), '指定された画面は存在しません。');
  assert.deepEqual(problems, []);
  await context.close();
});
