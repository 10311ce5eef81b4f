// 保険証/処方箋で確認 (S5), bad input field by field: for every field at least ten values the form must
// refuse, each with the catalogue's exact message next to that field and nowhere else, the focus on
// that field, and nothing sent; then the same form, with the field corrected, sends and shows a
// result. Positive controls (full-width digits, spaces, 和暦 in its forms) must be sent, and the
// request must carry them folded. Finally the keyboard alone: Tab through the form, Enter submits,
// the focus lands on the first field in error.
//
// The page talks to the reference endpoint so that "nothing was sent" is observed on the wire: every
// POST /onshi/v1/qualifications passes a Playwright route that records it, and at the end the
// endpoint's own history must hold exactly the inquiries the route saw. One page serves every case; the
// form is reset between cases by submitting it empty, which also proves each message is fresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { setTrainingClock } from './support/server.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { MenuPage } from './pages/frame.mjs';
import { FIELDS, InquiryPage } from './pages/inquiry.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

// The page's clock and the endpoint's are both fixed here, so "today" and "future" are this day.
const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const TODAY = '2026/11/22';

// Seed 000 Case2's 新橋 太郎, and 港 ハル of the canned 後期高齢者医療 card (no 記号, no 枝番).
const TARO = {
  insurer_number: '06139000',
  symbol: '9000',
  number: '10001',
  branch: '01',
  birthdate: 'S29.3.26',
  confirmation_date: TODAY,
};
const HARU = {
  insurer_number: '39131156',
  symbol: '',
  number: '12345674',
  branch: '',
  birthdate: '昭和15年5月5日',
  confirmation_date: TODAY,
};
// What the request must carry for each card (the official element names; absent elements are null).
const TARO_WIRE = {
  InsurerNumber: '06139000',
  InsuredCardSymbol: '9000',
  InsuredIdentificationNumber: '10001',
  InsuredBranchNumber: '01',
  Birthdate: '19540326',
  QualificationConfirmationDate: '20261122',
};
const HARU_WIRE = {
  InsurerNumber: '39131156',
  InsuredCardSymbol: null,
  InsuredIdentificationNumber: '12345674',
  InsuredBranchNumber: null,
  Birthdate: '19400505',
  QualificationConfirmationDate: '20261122',
};
const WIRE_OF = new Map([
  [TARO, TARO_WIRE],
  [HARU, HARU_WIRE],
]);
const VALID = 'この資格は有効です。';

// The catalogue's text (crates/onshi-core/src/catalogue.rs), written out so that a change of wording
// is a decision this test sees.
const M = {
  insurerRequired: '保険者番号を入力してください。',
  insurerNotDigits: '保険者番号は数字で入力してください。',
  insurerLength: '保険者番号は6桁または8桁で入力してください。',
  insurerPrefecture: '保険者番号の都道府県番号（01～47）が正しくありません。',
  insurerCheckDigit: '保険者番号の検証番号が一致しません。保険証の記載をご確認ください。',
  symbolTooLong: '記号は20文字以内で入力してください。',
  symbolNoLetterOrDigit: '記号には文字または数字を入力してください。',
  symbolControl: '記号に使用できない文字が含まれています。',
  lateElderlyNoSymbol: '後期高齢者医療の被保険者証には記号がありません。記号は空欄にしてください。',
  numberRequired: '番号を入力してください。',
  numberTooLong: '番号は20文字以内で入力してください。',
  numberNoLetterOrDigit: '番号には文字または数字を入力してください。',
  numberControl: '番号に使用できない文字が含まれています。',
  lateElderlyNumberFormat: '後期高齢者医療の被保険者番号は8桁の数字で入力してください。',
  lateElderlyNumberCheckDigit:
    '被保険者番号が正しくありません（検証番号が一致しません）。入力内容を確認してください。',
  branchRequired: '枝番を入力してください。（後期高齢者医療の保険証には枝番はありません）',
  branchFormat: '枝番は2桁の数字で入力してください。',
  birthdateRequired: '生年月日を入力してください。',
  birthdateFuture: '生年月日に未来の日付は入力できません。',
  birthdateBeforeMeiji: '生年月日は明治以降の日付で入力してください。',
  confirmationRequired: '資格確認日を入力してください。',
  confirmationFuture: '資格確認日に未来の日付は入力できません。',
  confirmationBeforeMeiji: '資格確認日は明治以降の日付で入力してください。',
  confirmationBeforeBirth: '資格確認日は生年月日以降の日付を入力してください。',
  dateUnrecognised: '日付の形式が正しくありません。（例：昭和29年3月26日、S29.3.26、1954-03-26）',
  dateUnknownEra: '元号が正しくありません。',
  dateNoSuchDate: '存在しない日付です。',
  meiji: '明治は明治元年1月25日から明治45年7月29日までです。',
  showa: '昭和は昭和元年12月25日から昭和64年1月7日までです。',
  heisei: '平成は平成元年1月8日から平成31年4月30日までです。',
  reiwa: '令和は令和元年5月1日からです。',
};

const NO_MESSAGES = Object.fromEntries(FIELDS.map((f) => [f, '']));
// An empty form: every required field says so (記号 is optional).
const EMPTY_FORM = Object.fromEntries(FIELDS.map((f) => [f, '']));
const EMPTY_MESSAGES = {
  insurer_number: M.insurerRequired,
  symbol: '',
  number: M.numberRequired,
  branch: M.branchRequired,
  birthdate: M.birthdateRequired,
  confirmation_date: M.confirmationRequired,
};

// Each table row: why the value is wrong, the value, the message expected next to the field, and the
// card it is typed into (新橋 太郎's unless told). The other fields hold that card's right values.
const BAD = {
  insurer_number: [
    ['empty', '', M.insurerRequired],
    ['spaces only', '   　', M.insurerRequired],
    ['7 digits', '0613900', M.insurerLength],
    ['7 digits, the leading 0 lost', '6139000', M.insurerLength],
    ['9 digits (too long)', '061390000', M.insurerLength],
    ['5 digits', '13805', M.insurerLength],
    ['wrong check digit', '06139001', M.insurerCheckDigit],
    ['wrong check digit, full-width', '０６１３９００１', M.insurerCheckDigit],
    ['wrong check digit, 6-digit 国保', '138058', M.insurerCheckDigit],
    ['a letter', '0613900a', M.insurerNotDigits],
    ['letters only', 'ABCDEFGH', M.insurerNotDigits],
    ['full-width letters', '０６１３９ＡＢＣ', M.insurerNotDigits],
    ['a hyphen', '0613-9000', M.insurerNotDigits],
    ['prefecture 48', '06489000', M.insurerPrefecture],
    ['prefecture 00', '06009000', M.insurerPrefecture],
  ],
  symbol: [
    ['21 digits (too long)', '1'.repeat(21), M.symbolTooLong],
    ['21 full-width digits (too long)', '９'.repeat(21), M.symbolTooLong],
    ['21 kanji (too long)', '品'.repeat(21), M.symbolTooLong],
    ['21 letters (too long)', 'ABCDEFGHIJKLMNOPQRSTU', M.symbolTooLong],
    ['a hyphen only', '-', M.symbolNoLetterOrDigit],
    ['a long vowel mark only', 'ー', M.symbolNoLetterOrDigit],
    ['middle dots only', '・・', M.symbolNoLetterOrDigit],
    ['punctuation only', '！？', M.symbolNoLetterOrDigit],
    ['brackets only', '（）', M.symbolNoLetterOrDigit],
    ['a reference mark only', '※', M.symbolNoLetterOrDigit],
    ['a control character', '9000\u0001', M.symbolControl],
    ['a 記号 on a 後期高齢 card', '123', M.lateElderlyNoSymbol, HARU],
    ['a full-width 記号 on a 後期高齢 card', '９', M.lateElderlyNoSymbol, HARU],
  ],
  number: [
    ['empty', '', M.numberRequired],
    ['spaces only', '   ', M.numberRequired],
    ['a full-width space only', '　', M.numberRequired],
    ['21 digits (too long)', '1'.repeat(21), M.numberTooLong],
    ['21 full-width digits (too long)', '１'.repeat(21), M.numberTooLong],
    ['21 kana (too long)', 'あ'.repeat(21), M.numberTooLong],
    ['hyphens only', '--', M.numberNoLetterOrDigit],
    ['full-width dashes only', 'ー－‐', M.numberNoLetterOrDigit],
    ['punctuation only', '・。', M.numberNoLetterOrDigit],
    ['a control character', '10001\u001d', M.numberControl],
    ['後期高齢: 7 digits', '1234567', M.lateElderlyNumberFormat, HARU],
    ['後期高齢: 9 digits', '123456740', M.lateElderlyNumberFormat, HARU],
    ['後期高齢: a letter', '1234567A', M.lateElderlyNumberFormat, HARU],
    ['後期高齢: a hyphen', '1234-5674', M.lateElderlyNumberFormat, HARU],
    ['後期高齢: wrong check digit', '12345670', M.lateElderlyNumberCheckDigit, HARU],
    ['後期高齢: wrong check digit, full-width', '１２３４５６７０', M.lateElderlyNumberCheckDigit, HARU],
  ],
  branch: [
    ['empty', '', M.branchRequired],
    ['spaces only', '  ', M.branchRequired],
    ['3 digits', '123', M.branchFormat],
    ['3 digits with a leading 0', '001', M.branchFormat],
    ['3 full-width digits', '０１２', M.branchFormat],
    ['letters', 'ab', M.branchFormat],
    ['a letter and a digit', 'a1', M.branchFormat],
    ['a minus sign', '-1', M.branchFormat],
    ['a decimal point', '1.', M.branchFormat],
    ['a kanji numeral', '一', M.branchFormat],
    ['a roman numeral', 'Ⅱ', M.branchFormat],
  ],
  birthdate: [
    ['empty', '', M.birthdateRequired],
    ['2月30日 (S29.2.30)', 'S29.2.30', M.dateNoSuchDate],
    ['2月30日 in kanji', '昭和29年2月30日', M.dateNoSuchDate],
    ['2月30日 full-width', 'Ｓ２９．２．３０', M.dateNoSuchDate],
    ['29 February of a common year', '2023-02-29', M.dateNoSuchDate],
    ['month 13', '1954-13-01', M.dateNoSuchDate],
    ['令和0年', '令和0年1月1日', M.reiwa],
    ['平成32年', '平成32年1月1日', M.heisei],
    ['平成31年5月1日 (already 令和)', 'H31.5.1', M.heisei],
    ['昭和64年1月8日 (already 平成)', '昭和64年1月8日', M.showa],
    ['tomorrow', '2026-11-23', M.birthdateFuture],
    ['tomorrow in 和暦', 'R8.11.23', M.birthdateFuture],
    ['next year in kanji', '令和9年1月1日', M.birthdateFuture],
    ['before 1868', '1867-12-31', M.birthdateBeforeMeiji],
    ['the day before 明治', '1868-01-24', M.birthdateBeforeMeiji],
    ['明治元年1月1日 (before 明治 began)', '明治元年1月1日', M.meiji],
    ['words', 'あした', M.dateUnrecognised],
    ['a two-digit year without an era', '29.3.26', M.dateUnrecognised],
    ['too long', 'S29.3.26S29.3.26', M.dateUnrecognised],
    ['an unknown era letter', 'X29.3.26', M.dateUnknownEra],
    ['an old era name', '天平1年1月1日', M.dateUnknownEra],
  ],
  confirmation_date: [
    ['empty', '', M.confirmationRequired],
    ['tomorrow', '2026/11/23', M.confirmationFuture],
    ['tomorrow in 和暦', 'R8.11.23', M.confirmationFuture],
    ['next month in kanji', '令和8年12月1日', M.confirmationFuture],
    ['next year, full-width', '２０２７／０１／０１', M.confirmationFuture],
    ['2月30日', '2026-02-30', M.dateNoSuchDate],
    ['29 February of a common year in 和暦', 'R8.2.29', M.dateNoSuchDate],
    ['令和0年', '令和0年5月1日', M.reiwa],
    ['平成32年', '平成32年4月1日', M.heisei],
    ['before the birthdate', '1950-01-01', M.confirmationBeforeBirth],
    ['before the birthdate in 和暦', 'S28.1.1', M.confirmationBeforeBirth],
    ['before 1868', '1860/01/01', M.confirmationBeforeMeiji],
    ['words', 'きょう', M.dateUnrecognised],
    ['an unknown era letter', 'Q8.11.22', M.dateUnknownEra],
  ],
};

// Values the form must accept (and send folded): each row is why, the value, and what the request
// carries for that field's element.
const GOOD = {
  insurer_number: [
    ['full-width digits', '０６１３９０００', { InsurerNumber: '06139000' }],
    ['spaces around and inside', ' 0613 9000 ', { InsurerNumber: '06139000' }],
  ],
  symbol: [['full-width digits', '９０００', { InsuredCardSymbol: '9000' }]],
  number: [['full-width digits', '１０００１', { InsuredIdentificationNumber: '10001' }]],
  branch: [
    ['one digit, padded', '1', { InsuredBranchNumber: '01' }],
    ['full-width digits', '０１', { InsuredBranchNumber: '01' }],
  ],
  birthdate: [
    ['和暦 spelled out', '昭和29年3月26日', { Birthdate: '19540326' }],
    ['full-width letter form', 'Ｓ２９．３．２６', { Birthdate: '19540326' }],
    ['the era code', '3290326', { Birthdate: '19540326' }],
    ['西暦 with slashes', '1954/3/26', { Birthdate: '19540326' }],
    ['西暦 as 8 digits', '19540326', { Birthdate: '19540326' }],
    ['the era sign ㍼', '㍼29年3月26日', { Birthdate: '19540326' }],
  ],
  confirmation_date: [
    ['R5.1.1', 'R5.1.1', { QualificationConfirmationDate: '20230101' }],
    ['令和5年1月1日', '令和5年1月1日', { QualificationConfirmationDate: '20230101' }],
    ['令和元年 (R1.5.1)', 'R1.5.1', { QualificationConfirmationDate: '20190501' }],
    ['today in kanji', '令和8年11月22日', { QualificationConfirmationDate: '20261122' }],
    ['today as 8 digits', '20261122', { QualificationConfirmationDate: '20261122' }],
  ],
};

/** The card elements of a request body, each element's text or null where it is absent. */
function wireCard(body) {
  return Object.fromEntries(
    Object.keys(TARO_WIRE).map((name) => [name, body.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? null]),
  );
}

// One signed-in page for the whole file, against the reference endpoint, opened by the first test
// that asks (the server and browser exist only once the tests run).
let opened;
/** Every POST /onshi/v1/qualifications the page made: its Authorization header and body. */
const sent = [];

/** The shared page: `{ context, page, problems, form }`. */
function shared() {
  opened ??= open();
  return opened;
}

async function open() {
  // The endpoint's clock too, so the national side's answer is about the same day as the form.
  await setTrainingClock(app.server.url, NINE_AM);
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  await page.clock.setFixedTime(NINE_AM);
  await page.route('**/onshi/v1/qualifications', async (route) => {
    const request = route.request();
    if (request.method() === 'POST') {
      sent.push({ authorization: await request.headerValue('authorization'), body: request.postData() ?? '' });
    }
    await route.continue();
  });
  const settings = new SettingsPage(page, app.server.url);
  await settings.goto();
  await settings.chooseThisServer();
  await expectText(settings.saved, '接続先を変更しました。');
  const signIn = new SignInPage(page, app.server.url);
  await signIn.goto();
  await signIn.submit('002', 'Onshi*002*002');
  await new MenuPage(page).waitFor();
  await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
  const form = new InquiryPage(page, app.server.url);
  await form.waitFor();
  return { context, page, problems, form };
}

/** Submits an empty form and waits for its messages: the reset between cases. */
async function reset(form) {
  await form.fill(EMPTY_FORM);
  await form.submitFrom();
  await eventually(() => form.messages(), EMPTY_MESSAGES);
}

/** Sends the form as it stands, checks the result screen and what the request carried; then 戻る. */
async function sendsAndShowsResult(form, card, wire) {
  const before = sent.length;
  await form.submitFrom();
  await expectText(form.banner, VALID);
  await expectText(form.screenName, '資格情報確認');
  assert.equal(sent.length, before + 1, 'exactly one inquiry was sent');
  assert.deepEqual(wireCard(sent.at(-1).body), { ...WIRE_OF.get(card), ...wire });
  await form.back.click();
  await form.search.waitFor();
}

/** A bad value: its message at its field only, the focus there, nothing sent; corrected, it is sent. */
async function refused(field, value, message, card) {
  const { form, page } = await shared();
  await reset(form);
  const before = sent.length;
  await form.fill({ ...card, [field]: value });
  assert.equal(await form.input(field).inputValue(), value, 'the value went into the field as typed');
  await form.submitFrom();
  await eventually(() => form.messages(), { ...NO_MESSAGES, [field]: message });
  assert.equal(await form.input(field).getAttribute('aria-invalid'), 'true');
  assert.equal(await form.focused(), field, 'the focus is on the field in error');
  assert.equal(sent.length, before, 'nothing was sent');
  assert.equal(await form.banner.count(), 0, 'no result screen');
  await expectText(form.screenName, '保険証/処方箋で確認');
  assert.equal(page.url(), `${app.server.url}/insurance-card`);

  // Corrected, the same form sends.
  await form.input(field).fill(card[field]);
  await sendsAndShowsResult(form, card, {});
}

/** A value the form must accept; the request carries it as `wire` says. */
async function accepted(field, value, wire) {
  const { form } = await shared();
  await reset(form);
  await form.fill({ ...TARO, [field]: value });
  await sendsAndShowsResult(form, TARO, wire);
}

const LABELS = {
  insurer_number: '保険者番号',
  symbol: '記号',
  number: '番号',
  branch: '枝番',
  birthdate: '生年月日',
  confirmation_date: '資格確認日',
};

for (const field of FIELDS) {
  test(`${LABELS[field]}: ${BAD[field].length} bad values, each refused at the field with nothing sent`, async (t) => {
    assert.ok(BAD[field].length >= 10, 'at least ten bad values per field');
    for (const [why, value, message, card = TARO] of BAD[field]) {
      await t.test(`${why}: ${JSON.stringify(value)}`, () => refused(field, value, message, card));
    }
  });
  test(`${LABELS[field]}: the forms staff type are accepted and sent folded`, async (t) => {
    for (const [why, value, wire] of GOOD[field]) {
      await t.test(`${why}: ${JSON.stringify(value)}`, () => accepted(field, value, wire));
    }
  });
}

test('several fields wrong at once: every message at its field, the focus on the first', async () => {
  const { form, page } = await shared();
  await reset(form);
  const before = sent.length;
  await form.fill({
    insurer_number: '06139001',
    symbol: '-',
    number: '10001',
    branch: '001',
    birthdate: '令和0年1月1日',
    confirmation_date: '2026/11/23',
  });
  await form.submitFrom('branch');
  await eventually(() => form.messages(), {
    insurer_number: M.insurerCheckDigit,
    symbol: M.symbolNoLetterOrDigit,
    number: '',
    branch: M.branchFormat,
    birthdate: M.reiwa,
    confirmation_date: M.confirmationFuture,
  });
  assert.equal(await form.focused(), 'insurer_number');
  assert.equal(sent.length, before, 'nothing was sent');
  // The cases before left the page scrolled (the result screen is longer); from the top, the full-page
  // image shows the sticky 研修モード banner where staff see it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'inquiry-input-several-errors');
  await form.fill(TARO);
  await sendsAndShowsResult(form, TARO, {});
});

test('keyboard only: Tab through the form, Enter submits, the focus lands on the first field in error', async () => {
  const { form, page } = await shared();
  await reset(form);
  await form.fill({ confirmation_date: TODAY });
  const keyboard = page.keyboard;
  await form.input('insurer_number').focus();
  // The tab order is the order of the card: every field, then the two choices, then 検索.
  const order = [];
  for (let i = 0; i < 8; i += 1) {
    await keyboard.press('Tab');
    order.push(await form.focused());
  }
  assert.deepEqual(order, [
    'symbol',
    'number',
    'branch',
    'birthdate',
    'confirmation_date',
    'treatment=1',
    'limit_consent=0',
    'button:検索',
  ]);
  for (let i = 0; i < 8; i += 1) await keyboard.press('Shift+Tab');
  assert.equal(await form.focused(), 'insurer_number');

  // Typed with two mistakes, Enter from 生年月日: the focus goes back to 保険者番号.
  const before = sent.length;
  for (const value of ['06139001', '9000', '10001', '123', 'S29.3.26']) {
    await keyboard.type(value);
    await keyboard.press('Tab');
  }
  await keyboard.press('Shift+Tab');
  assert.equal(await form.focused(), 'birthdate');
  await keyboard.press('Enter');
  await eventually(() => form.messages(), { ...NO_MESSAGES, insurer_number: M.insurerCheckDigit, branch: M.branchFormat });
  assert.equal(await form.focused(), 'insurer_number');

  // Fixed from the keyboard where the focus is; Enter again takes it to the next field in error.
  await keyboard.press('ControlOrMeta+A');
  await keyboard.type('06139000');
  await keyboard.press('Enter');
  await eventually(() => form.messages(), { ...NO_MESSAGES, branch: M.branchFormat });
  assert.equal(await form.focused(), 'branch');
  assert.equal(sent.length, before, 'nothing was sent');

  await keyboard.press('ControlOrMeta+A');
  await keyboard.type('01');
  await keyboard.press('Enter');
  await expectText(form.banner, VALID);
  assert.equal(sent.length, before + 1);
  assert.deepEqual(wireCard(sent.at(-1).body), TARO_WIRE);
  await form.back.click();
  await form.search.waitFor();
});

test("the endpoint's history holds exactly the inquiries the page sent", async () => {
  // One inquiry per corrected bad value and per accepted value, one for the form with several errors
  // and one for the keyboard run; none for any refused form.
  const count = (table) => Object.values(table).reduce((n, rows) => n + rows.length, 0);
  assert.equal(sent.length, count(BAD) + count(GOOD) + 2);
  const response = await fetch(`${app.server.url}/onshi/v1/qualifications?per_page=100`, {
    headers: { authorization: sent[0].authorization },
  });
  assert.equal(response.status, 200);
  const history = await response.json();
  assert.equal(history.total, sent.length, 'the dispatcher saw every inquiry sent, and no other');
});

test('the page logged no errors in all of this', async () => {
  const { context, problems } = await shared();
  assert.deepEqual(problems, []);
  await context.close();
});
