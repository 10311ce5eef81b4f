// 保険証/処方箋で確認 (S5) and its result 資格情報確認 (S6).
import { Frame } from './frame.mjs';

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

export class InquiryPage extends Frame {
  constructor(page, baseUrl) {
    super(page);
    this.baseUrl = baseUrl;
    this.insurerNumber = page.locator('#insurer_number');
    this.symbol = page.locator('#symbol');
    this.number = page.locator('#number');
    this.branch = page.locator('#branch');
    this.birthdate = page.locator('#birthdate');
    this.confirmationDate = page.locator('#confirmation_date');
    this.search = page.getByRole('button', { name: '検索' });
    this.error = page.getByTestId('inquiry-error');
    // The result.
    this.banner = page.getByTestId('result-banner');
    this.qualifications = page.getByTestId('qualification');
    this.blackCircleWarning = page.getByTestId('black-circle-warning');
    this.limit = page.getByTestId('limit');
    this.limitDetails = page.getByTestId('limit-details');
    this.download = page.getByRole('button', { name: 'ダウンロード' });
    this.nextInsurance = page.getByRole('button', { name: '次の患者へ(保険証)' });
    this.back = page.locator('.check-buttons').getByRole('button', { name: '戻る' });
  }

  async waitFor() {
    await this.page.waitForURL('**/insurance-card');
    await this.search.waitFor();
  }

  /** Types a card as staff do: field by field with Tab, then Enter (no mouse). */
  async typeCard({ insurer, symbol = '', number, branch = '', birthdate }) {
    await this.insurerNumber.focus();
    for (const value of [insurer, symbol, number, branch, birthdate]) {
      if (value) await this.page.keyboard.type(value);
      await this.page.keyboard.press('Tab');
    }
    await this.page.keyboard.press('Enter');
  }

  /** The value shown beside a label in the `index`th qualification. */
  async field(label, index = 0) {
    const row = this.qualifications
      .nth(index)
      .locator('.check-field')
      .filter({ has: this.page.locator('dt', { hasText: exactly(label) }) });
    return ((await row.first().locator('dd').textContent()) ?? '').trim();
  }

  /** Whether the checkbox of the item labelled `label` is checked (the first qualification). */
  async handedOver(label) {
    return this.qualifications
      .first()
      .locator('.check-field-item', { has: this.page.locator('dt', { hasText: exactly(label) }) })
      .locator('input[type=checkbox]')
      .isChecked();
  }
}
