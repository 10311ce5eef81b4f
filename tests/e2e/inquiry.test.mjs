// 保険証/処方箋で確認 → 資格情報確認: the guides' Case2 from the menu tile with the keyboard alone, in training
// mode and against the reference endpoint; a name with ● is left out of the result for the レセコン,
// checked byte for byte against a hand-checked golden file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { appUnderTest } from './support/app.mjs';
import { newContext, screenshot } from './support/browser.mjs';
import { eventually, expectText } from './support/expect.mjs';
import { repoRoot } from './support/server.mjs';
import { InquiryPage } from './pages/inquiry.mjs';
import { SettingsPage } from './pages/settings.mjs';
import { setTime, worldRequestCount } from './support/world.mjs';

const app = appUnderTest({ serverArgs: ['--training'] });

const NINE_AM = new Date('2026-11-22T09:00:00+09:00');
const TARO = { insurer: '06139000', symbol: '9000', number: '10001', branch: '01', birthdate: 'S29.3.26' };

/** Runs Case2 for 新橋 太郎 and checks the result as seed 000 shows it. */
async function case2(page, inquiry, shot) {
  await expectText(inquiry.screenName, '保険証/処方箋で確認');
  assert.equal(await inquiry.confirmationDate.inputValue(), '2026/11/22', '資格確認日 is today');
  await inquiry.typeCard(TARO);
  await expectText(inquiry.banner, 'この資格は有効です。');
  await expectText(inquiry.screenName, '資格情報確認');
  for (const [label, value] of [
    ['保険者番号', '06139000'],
    ['保険者名', '東京新橋サンプル保険者'],
    ['記号', '9000'],
    ['番号', '10001'],
    ['枝番', '01'],
    ['氏名(券面)', '新橋　太郎'],
    ['性別(表面)', '男'],
    ['生年月日', '昭和29年3月26日'],
    ['証区分', '被保険者証（一般）'],
    ['有効開始日', '令和2年1月1日'],
    ['本人・家族の別', '本人'],
    ['被保険者氏名', '新橋　太郎'],
    ['氏名(その他)', '新橋　他太郎'],
    ['郵便番号', '151-1234'],
    ['住所', '東京都港区〇〇5丁目500-1'],
  ]) {
    assert.equal(await inquiry.field(label), value, label);
  }
  await expectText(page.getByTestId('elderly').locator('h3'), '高齢受給者証');
  assert.match((await page.getByTestId('elderly').textContent()) ?? '', /2割/);
  assert.match(
    (await inquiry.limit.textContent()) ?? '',
    /プライバシーに関する情報のため、患者の同意にもとづきご参照ください。/,
  );
  await screenshot(page, shot);
  await inquiry.limit.getByRole('button', { name: '情報表示' }).click();
  await expectText(inquiry.limitDetails, '患者の同意がないため、限度額適用認定証の情報は表示できません。');

  // 戻る keeps what was typed; 次の患者へ(保険証) starts afresh.
  await inquiry.back.click();
  await inquiry.search.waitFor();
  assert.equal(await inquiry.number.inputValue(), '10001');
  await inquiry.search.click();
  await expectText(inquiry.banner, 'この資格は有効です。');
  await inquiry.nextInsurance.click();
  await inquiry.search.waitFor();
  assert.equal(await inquiry.number.inputValue(), '');
  assert.equal(await inquiry.confirmationDate.inputValue(), '2026/11/22');
}

test('Case2 in training mode: from the menu tile to 資格情報確認 with the keyboard alone', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  await case2(page, inquiry, 'qualification-check-valid');
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input gets its message at the field, and nothing is sent', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  // The training world answers in the service worker, out of Playwright's sight: its own counter says
  // what reached it (decisions.md D3).
  const before = await worldRequestCount(page, 'POST', '/qualifications');
  await inquiry.typeCard({ insurer: '06139001', number: '１０００１', branch: '123', birthdate: 'S29.2.30' });
  await expectText(page.locator('#insurer_number-message'), '保険者番号の検証番号が一致しません。保険証の記載をご確認ください。');
  await expectText(page.locator('#branch-message'), '枝番は2桁の数字で入力してください。');
  assert.notEqual(((await page.locator('#birthdate-message').textContent()) ?? '').trim(), '');
  await screenshot(page, 'inquiry-bad-input');
  assert.deepEqual(await worldRequestCount(page, 'POST', '/qualifications'), before, 'nothing was sent');
  // The positive control: the same form, corrected, is counted.
  const fields = [inquiry.insurerNumber, inquiry.symbol, inquiry.number, inquiry.branch, inquiry.birthdate];
  const values = [TARO.insurer, TARO.symbol, TARO.number, TARO.branch, TARO.birthdate];
  for (const [i, field] of fields.entries()) await field.fill(values[i]);
  await inquiry.search.click();
  await expectText(inquiry.banner, 'この資格は有効です。');
  await eventually(async () => (await worldRequestCount(page, 'POST', '/qualifications')).count, before.count + 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a name with ● starts unchecked and is left out of the result for the レセコン', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  // The national side's 処理実行日時 is the training world's clock: fixed, so the file is too.
  await setTime(page, NINE_AM);
  await inquiry.typeCard({ insurer: '01130012', symbol: '1234567', number: '890', branch: '00', birthdate: '1988/08/08' });
  await expectText(inquiry.banner, 'この資格は有効です。');
  await expectText(
    inquiry.blackCircleWarning,
    '「●」は変換できない文字です。●を含む項目はチェックを外した状態にしています。レセコンには反映されません。',
  );
  assert.equal(await inquiry.handedOver('氏名(券面)'), false);
  assert.equal(await inquiry.handedOver('住所'), false);
  assert.equal(await inquiry.handedOver('被保険者氏名'), false);
  assert.equal(await inquiry.handedOver('保険者名'), true);
  assert.equal(await inquiry.handedOver('郵便番号'), true);
  await screenshot(page, 'qualification-check-black-circle');
  // Staff may also leave out an item without ●.
  await inquiry.qualifications.first().locator('.check-field-item', { hasText: '郵便番号' }).locator('input').uncheck();
  const [download] = await Promise.all([page.waitForEvent('download'), inquiry.download.click()]);
  assert.equal(download.suggestedFilename(), 'OQSsiquc01res_20261122090000.xml');
  const saved = readFileSync(await download.path());
  const golden = readFileSync(path.join(repoRoot, 'tests/e2e/golden/OQSsiquc01res-watanabe-misaki.xml'));
  assert.equal(saved.toString('utf8'), golden.toString('utf8'));
  assert.ok(saved.equals(golden), 'byte for byte');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Case2 against the reference endpoint', async () => {
  const { context, problems } = await newContext(app.browser, { clockAt: NINE_AM });
  const page = await context.newPage();
  const settings = new SettingsPage(page, app.server.url);
  await settings.goto();
  await settings.chooseThisServer();
  await expectText(settings.saved, '接続先を変更しました。');
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const inquiry = await InquiryPage.openAsStaff(page, app.server.url);
  await case2(page, inquiry, 'qualification-check-endpoint');
  assert.ok(requests.includes('POST /onshi/v1/qualifications'), requests.join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});
