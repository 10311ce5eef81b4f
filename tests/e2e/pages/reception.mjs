// 「マイナンバーカードで確認」: the reception screen's live list of reader results, the result shown as
// 資格情報確認 (S6), and the trainer's control that plays a patient at a reader (training only).
import { Frame } from './frame.mjs';

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

export class ReceptionPage extends Frame {
  constructor(page) {
    super(page);
    this.feed = page.getByTestId('reception-feed');
    this.announcement = page.getByTestId('reception-announcement');
    this.rows = page.getByTestId('reception-row');
    this.newBadges = page.getByTestId('reception-new');
    this.error = page.getByTestId('reception-error');
    this.insuranceTab = page.locator('.tabs').getByRole('link', { name: '保険証' });
    // The trainer's control.
    this.trainer = page.getByTestId('trainer');
    this.trainerHeading = this.trainer.getByRole('heading');
    this.person = page.locator('#trainer_person');
    this.reader = page.locator('#trainer_reader');
    this.pin = page.locator('#trainer_pin');
    this.pinMessage = page.locator('#trainer_pin-message');
    this.send = this.trainer.getByRole('button', { name: 'カードリーダーで確認する' });
    this.trainerDone = page.getByTestId('trainer-done');
    this.trainerError = page.getByTestId('trainer-error');
    // The result (S6).
    this.banner = page.getByTestId('result-banner');
    this.readerResult = page.getByTestId('reader-result');
    this.consents = page.getByTestId('consents');
    this.limit = page.getByTestId('limit');
    this.limitDetails = page.getByTestId('limit-details');
    this.nextCard = page.locator('.check-buttons').getByRole('button', { name: '次の患者へ(マイナンバーカード)' });
    this.nextInsurance = page.locator('.check-buttons').getByRole('button', { name: '次の患者へ(保険証)' });
    this.back = page.locator('.check-buttons').getByRole('button', { name: '戻る' });
  }

  /** Waits for the screen with its feed open. */
  async waitFor() {
    await this.page.waitForURL('**/my-number-card');
    await this.feed.filter({ hasText: 'カードリーダーからの結果を待っています。' }).waitFor();
  }

  /** Waits until the trainer's lists are read. */
  async trainerReady() {
    await this.person.locator('option').first().waitFor({ state: 'attached' });
    await this.reader.locator('option').first().waitFor({ state: 'attached' });
    await this.page.locator('#trainer_person[aria-busy=false]').waitFor({ state: 'attached' });
  }

  /**
   * Plays a patient at a reader with the trainer's control: `person` and `reader` are ids, `method`
   * is `face` or `pin`, `consents` the answers to the reader's three questions. Does not wait.
   */
  async visit({ person, reader, method = 'face', pin, consents = {} }) {
    await this.trainerReady();
    await this.person.selectOption(person);
    await this.reader.selectOption(reader);
    await this.trainer.getByRole('radio', { name: method === 'pin' ? '暗証番号を入力' : '顔認証を行う' }).check();
    if (pin !== undefined) await this.pin.fill(pin);
    await this.answer('過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。', consents.medical ? '同意する' : '同意しない');
    await this.answer('過去の特定健診等情報を当機関に提供することに同意しますか。', consents.checkups ? '同意する' : '同意しない');
    await this.answer('限度額情報や特定疾病療養受療証情報を提供しますか。', consents.limit ? '提供する' : '提供しない');
    await this.send.click();
  }

  /** Answers one of the reader's consent questions. */
  async answer(question, choice) {
    await this.trainer
      .locator('fieldset', { has: this.page.locator('legend', { hasText: exactly(question) }) })
      .getByRole('radio', { name: choice, exact: true })
      .check();
  }

  /** The cells of the `index`th row (newest first): time (with 新着), reader, name, result. */
  async row(index) {
    const cells = await this.rows.nth(index).locator('td').allTextContents();
    return cells.slice(0, 4).map((c) => c.trim());
  }

  /** Opens the `index`th row as 資格情報確認. */
  async open(index) {
    await this.rows.nth(index).getByRole('button', { name: '詳細' }).click();
    await this.banner.waitFor();
  }

  /** The value shown for each viewing consent, as [label, value] pairs. */
  async consentValues() {
    const fields = this.consents.locator('.check-field');
    const out = [];
    for (let i = 0; i < (await fields.count()); i += 1) {
      const field = fields.nth(i);
      out.push([((await field.locator('dt').textContent()) ?? '').trim(), ((await field.locator('dd').textContent()) ?? '').trim()]);
    }
    return out;
  }
}
