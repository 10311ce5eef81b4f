// 「汎用カードリーダー」 on 「マイナンバーカードで確認」: a Sony RC-S380 over WebUSB, played by
// the fake navigator.usb (support/webusb_fake.mjs: Port-100 to a virtual My Number card with the
// project's test keys, written from the research, not from our Rust). Against the reference endpoint
// (`onshi-server --training`): the card is read through the WebUSB code path, its signature of the
// endpoint's challenge gets a qualification result; a wrong PIN is told with the tries left, then the
// lock and what staff do; a card taken away mid-exchange is told and can be placed again; a
// smart-card class reader is refused naming the readers that work. In training mode, the app's own
// virtual reader lets a person rehearse the flow without hardware.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { virtualCard } from './support/test_pki.mjs';
import { FakeUsb } from './support/webusb_fake.mjs';
import { CardReaderSection } from './pages/card_reader.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { MenuPage } from './pages/frame.mjs';
import { ReceptionPage } from './pages/reception.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const PLACE = 'マイナンバーカードをカードリーダーに置いてください';
const ENTER_PIN = '暗証番号（4桁）を入力してください';
const REMOVED = 'カードが取り外されました。もう一度カードを置いてください。';
const PROTECTED =
  'このカードリーダーは使用できません。Chrome は、スマートカード（CCID）クラスのカードリーダーをWebページから使うことを許可していません。Sony PaSoRi RC-S380 は使用できます（RC-S300 は実機での動作を確認していません）。';
const CANCELLED =
  'カードリーダーが選択されませんでした。「カードリーダーを接続」を押し、表示される一覧からカードリーダーを選んでください。';
const CERTIFICATE_UNKNOWN =
  'このマイナンバーカードの電子証明書は確認できません（有効期限切れ、または対象外の証明書です）。保険証/処方箋で確認してください。';
const SIGNATURE_INVALID = 'マイナンバーカードの署名を確認できませんでした。カードを置き直して確認し、続けて失敗する場合は保険証/処方箋で確認してください。';
/** The consents of Case1's patient: 診療・薬剤・手術情報 and 特定健診等情報 shared, 限度額 not. */
const CONSENTS = { medical: true, checkups: true, limit: false };
const CONSENT_VALUES = [
  ['限度額適用認定証閲覧同意', 'なし'],
  ['特定疾病療養受療証閲覧同意', 'なし'],
  ['特定健診情報閲覧同意', 'あり'],
  ['薬剤情報閲覧同意', 'あり'],
  ['診療情報閲覧同意', 'あり'],
  ['手術情報閲覧同意', 'あり'],
];
/** 新橋 太郎's card: his 利用者証明用 certificate and key from the project's test PKI, PIN 1234. */
const TARO_CARD = { cards: { taro: virtualCard('shinbashi-taro') } };

/** A context with the fake reader (`usb` options), and one page in it switched to this server. */
async function openOnEndpoint(usbOptions) {
  const { context, problems } = await newContext(app.browser);
  await FakeUsb.install(context, usbOptions);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await new SettingsPage(page, app.server.url).useThisServer();
  return { context, problems, page, requests, usb: new FakeUsb(page) };
}

/**
 * Signs in as 002 (一般) and opens the reception screen from the menu tile. Against the reference endpoint, an
 * earlier test's browser may still hold the same user's session (contexts close without logging
 * out), so the forced-login prompt is answered when it comes; `problems` loses the 409 that asked
 * for it.
 */
async function openReception(page, problems) {
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  const menu = new MenuPage(page);
  const prompted = await Promise.race([
    menu.waitFor().then(() => false),
    signIn.forcePrompt.root.waitFor().then(() => true),
  ]);
  if (prompted) {
    await signIn.forcePrompt.answer('はい');
    await menu.waitFor();
    // Chromium logged the 409 that asked for the prompt; the app handled it.
    const conflict = problems.findIndex((p) => / status of 409 /.test(p));
    if (conflict >= 0) problems.splice(conflict, 1);
  }
  await page.locator('.menu a.tile', { hasText: 'マイナンバーカードで確認' }).click();
  const reception = new ReceptionPage(page);
  await reception.waitFor();
  return { reception, reader: new CardReaderSection(page) };
}

/** Connects the fake RC-S380 and waits for the patient to be asked for the card. */
async function connectRcs380(reader) {
  await reader.connect();
  await expectText(reader.status, '接続中：Sony RC-S380');
  await reader.waitForMessage(PLACE);
}

/** Checks that the result shown is 新橋 太郎's, valid, with Case1's consents, from `readerName`. */
async function taroQualified(page, reception, readerName) {
  await reception.banner.waitFor({ timeout: 15_000 });
  await expectText(reception.screenName, '資格情報確認');
  await expectText(reception.banner, 'この資格は有効です。');
  assert.match((await page.getByTestId('qualification').first().textContent()) ?? '', /新橋　太郎/);
  assert.deepEqual(await reception.consentValues(), CONSENT_VALUES);
  assert.match((await reception.readerResult.textContent()) ?? '', new RegExp(readerName));
}

test('against the reference endpoint: the card read over WebUSB gets a qualification result', async () => {
  const { context, problems, page, requests, usb } = await openOnEndpoint(TARO_CARD);
  const { reception, reader } = await openReception(page, problems);
  await screenshot(page, 'card-reader-section');
  await connectRcs380(reader);
  const { lastFilters } = await usb.record();
  // The chooser offers the known readers and, to say why they cannot be used, smart-card readers.
  assert.ok(lastFilters.some((f) => f.vendorId === 0x054c && f.productId === 0x06c1), JSON.stringify(lastFilters));
  assert.ok(lastFilters.some((f) => f.classCode === 0x0b && f.vendorId === undefined), JSON.stringify(lastFilters));
  await screenshot(page, 'card-reader-place-card');

  await usb.placeCard('taro');
  await reader.waitForMessage(ENTER_PIN);
  await expectText(reader.tries, '残り回数：3回');
  assert.equal(await reader.pin.getAttribute('type'), 'password');
  assert.equal(await reader.pin.getAttribute('inputmode'), 'numeric');
  assert.equal(await reader.pin.getAttribute('maxlength'), '4');
  await reader.pin.fill('1234');
  await screenshot(page, 'card-reader-pin');
  await reader.confirm.click();
  await reader.answer(CONSENTS);
  await taroQualified(page, reception, 'Sony RC-S380');
  await screenshot(page, 'card-reader-result');

  // The next patient: the reader is still connected and asks for this card to be taken first.
  await reception.nextCard.click();
  await expectText(reader.status, '接続中：Sony RC-S380');
  await reader.waitForMessage('カードをカードリーダーから取ってください');
  await usb.removeCard();
  await reader.waitForMessage(PLACE);

  assert.ok(requests.includes('POST /onshi/v1/challenges'), requests.join('\n'));
  assert.ok(requests.includes('POST /onshi/v1/qualifications/mynumber'), requests.join('\n'));
  assert.deepEqual(await usb.triesLeft('taro'), { auth: 3, support: 3 });
  const { violations, calls } = await usb.record();
  assert.deepEqual(violations, [], await usb.trace());
  assert.equal(calls.requestDevice, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong PIN is told with the tries left, then the lock and the way to 目視確認', async () => {
  const { context, problems, page, requests, usb } = await openOnEndpoint(TARO_CARD);
  const { reader } = await openReception(page, problems);
  await connectRcs380(reader);
  await usb.placeCard('taro');
  await reader.waitForMessage(ENTER_PIN);

  // A malformed PIN is refused beside the field; the card is not asked.
  await reader.enterPin('12');
  await expectText(reader.pinMessage, '暗証番号は4桁の数字で入力してください。');
  assert.deepEqual(await usb.triesLeft('taro'), { auth: 3, support: 3 });

  await reader.enterPin('0000');
  await expectText(reader.alert, '暗証番号が違います。残り回数：2回');
  await expectText(reader.tries, '残り回数：2回');
  await reader.waitForMessage(ENTER_PIN);
  await screenshot(page, 'card-reader-wrong-pin');
  await reader.enterPin('0000');
  await expectText(reader.alert, '暗証番号が違います。残り回数：1回');
  await expectText(reader.tries, '残り回数：1回');
  await reader.enterPin('0000');
  await reader.alert.getByText('暗証番号がロックされています。', { exact: true }).waitFor();
  assert.match((await reader.alert.textContent()) ?? '', /目視確認/);
  // The reference endpoint has face readers: staff are offered their screen, and the insurance card.
  await reader.alert.getByRole('link', { name: '顔認証付きカードリーダー操作へ' }).waitFor();
  await reader.alert.getByRole('link', { name: '保険証/処方箋で確認へ' }).waitFor();
  await screenshot(page, 'card-reader-pin-blocked');
  assert.deepEqual(await usb.triesLeft('taro'), { auth: 0, support: 3 });
  assert.ok(!requests.includes('POST /onshi/v1/qualifications/mynumber'), 'no qualification without the PIN');

  await reader.alert.getByRole('link', { name: '保険証/処方箋で確認へ' }).click();
  await new InquiryPage(page, app.server.url).waitFor();
  assert.deepEqual((await usb.record()).violations, [], await usb.trace());
  assert.deepEqual(problems, []);
  await context.close();
});

test('the card taken away while it signs is told, and placed again it succeeds', async () => {
  const { context, problems, page, usb } = await openOnEndpoint(TARO_CARD);
  const { reception, reader } = await openReception(page, problems);
  await connectRcs380(reader);
  await usb.placeCard('taro');
  await reader.enterPin('1234');
  await usb.removeCardDuring('sign');
  await reader.answer(CONSENTS);
  await expectText(reader.alert, REMOVED, { timeout: 10_000 });
  await reader.waitForMessage(PLACE);
  assert.equal(await usb.hasCard(), false);
  await screenshot(page, 'card-reader-card-removed');

  await usb.placeCard('taro');
  await reader.enterPin('1234');
  await reader.answer(CONSENTS);
  await taroQualified(page, reception, 'Sony RC-S380');
  assert.deepEqual((await usb.record()).violations, [], await usb.trace());
  // The signature never reached the endpoint the first time; nothing else went wrong.
  assert.deepEqual(problems, []);
  await context.close();
});

test('the endpoint refuses an expired certificate, an untrusted one, and a signature of another key', async () => {
  const cards = {
    // 新橋 太郎's previous card: his key, a certificate that expired in 2020.
    expired: virtualCard('shinbashi-taro', { certificate: 'expired' }),
    // A certificate of a CA the endpoint does not trust.
    rogue: virtualCard('rogue'),
    // 太郎's certificate on a card whose key is 花子's: the signature does not match it.
    mismatched: virtualCard('shinbashi-hanako', { certificate: 'shinbashi-taro' }),
  };
  const { context, problems, page, requests, usb } = await openOnEndpoint({ cards });
  const { reception, reader } = await openReception(page, problems);
  await connectRcs380(reader);
  const refusals = [
    ['expired', CERTIFICATE_UNKNOWN],
    ['rogue', CERTIFICATE_UNKNOWN],
    ['mismatched', SIGNATURE_INVALID],
  ];
  for (const [card, message] of refusals) {
    await usb.placeCard(card);
    await reader.enterPin('1234');
    await reader.answer(CONSENTS);
    await expectText(reader.alert, message, { timeout: 10_000 });
    await reader.waitForMessage('カードをカードリーダーから取ってください');
    await screenshot(page, `card-reader-refused-${card}`);
    await usb.removeCard();
    await reader.waitForMessage(PLACE);
  }
  assert.equal(requests.filter((r) => r === 'POST /onshi/v1/qualifications/mynumber').length, 3);
  assert.equal(await reception.banner.count(), 0, 'no result was opened');
  assert.deepEqual((await usb.record()).violations, [], await usb.trace());
  assert.equal(problems.length, 3, problems.join('\n'));
  for (const problem of problems) {
    assert.match(problem, /^console: Failed to load resource: the server responded with a status of 422 /);
  }
  await context.close();
});

test('a smart-card class (CCID) reader is refused, naming the readers that work', async () => {
  const { context, problems, page, usb } = await openOnEndpoint({ ...TARO_CARD, devices: ['ccid'], chooser: 'cancel' });
  const { reader } = await openReception(page, problems);
  // The chooser closed without a reader first.
  await reader.connect();
  await expectText(reader.alert, CANCELLED);
  await reader.connectButton.waitFor();

  await usb.setChooser('select');
  await reader.connect();
  await expectText(reader.alert, PROTECTED);
  await reader.connectButton.waitFor();
  await screenshot(page, 'card-reader-protected-class');
  const { calls, offered } = await usb.record();
  assert.deepEqual(offered, ['ccid'], 'the chooser offered the CCID reader (class 0x0B filter)');
  assert.deepEqual(calls.claimInterface, [0], 'the app tried its interface once');
  assert.equal(await reader.patient.count(), 0, 'no patient panel without a reader');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the reader unplugged while connected is told, and the section offers to connect again', async () => {
  const { context, problems, page, usb } = await openOnEndpoint(TARO_CARD);
  const { reader } = await openReception(page, problems);
  await connectRcs380(reader);
  await usb.unplug();
  await expectText(reader.alert, 'カードリーダーが取り外されました。接続し直してから「カードリーダーを接続」を押してください。');
  await reader.connectButton.waitFor();
  assert.equal(await reader.patient.count(), 0);
  assert.deepEqual((await usb.record()).violations, [], await usb.trace());
  assert.deepEqual(problems, []);
  await context.close();
});

test('training mode: a person rehearses the flow on the virtual reader and reaches a result', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  // The fake is there only to show that the virtual reader does not go through WebUSB.
  await FakeUsb.install(context, TARO_CARD);
  const page = await context.newPage();
  const usb = new FakeUsb(page);
  const { reception, reader } = await openReception(page, problems);
  await expectText(reader.virtualButton, '仮想カードリーダーを使う');
  await reader.useVirtual();
  await expectText(reader.status, '接続中：仮想カードリーダー（研修用・Sony RC-S380 相当）');
  await reader.waitForMessage(PLACE);
  await reader.placeVirtualCard('shinbashi-taro');
  await expectText(reader.onReader, 'カードリーダー上のカード：新橋　太郎');
  await reader.waitForMessage(ENTER_PIN);
  await expectText(reader.tries, '残り回数：3回');
  await screenshot(page, 'card-reader-training-pin');
  await reader.enterPin('1234');
  await reader.answer(CONSENTS);
  await taroQualified(page, reception, '仮想カードリーダー');
  await screenshot(page, 'card-reader-training-result');
  const { calls } = await usb.record();
  assert.equal(calls.requestDevice, 0, 'the virtual reader needs no USB device');

  // The next patient: back on the screen, the reader is still connected and asks for the card taken.
  await reception.nextCard.click();
  await expectText(reader.status, '接続中：仮想カードリーダー（研修用・Sony RC-S380 相当）');
  await reader.takeButton.click();
  await reader.waitForMessage(PLACE);
  await eventually(() => reader.onReader.textContent().then((t) => (t ?? '').trim()), '');
  assert.deepEqual(problems, []);
  await context.close();
});
