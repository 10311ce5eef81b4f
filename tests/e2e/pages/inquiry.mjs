// 保険証/処方箋で確認 (S5) and its result 資格情報確認 (S6).
import { Frame, MenuPage } from './frame.mjs';
import { SignInPage } from './sign_in.mjs';

/** The form's text fields by id, in the order Tab visits them; each id is also its finding's field name. */
export const FIELDS = ['insurer_number', 'symbol', 'number', 'branch', 'birthdate', 'confirmation_date'];

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

export class InquiryPage extends Frame {
  /** Signs in as 002 at `baseUrl` and opens the form from the menu tile; answers the form's page. */
  static async openAsStaff(page, baseUrl) {
    const signIn = new SignInPage(page, baseUrl);
    await signIn.goto();
    await signIn.submit('002', 'Onshi*002*002');
    await new MenuPage(page).waitFor();
    await page.locator('.menu a.tile', { hasText: '保険証/処方箋で確認' }).click();
    const inquiry = new InquiryPage(page, baseUrl);
    await inquiry.waitFor();
    return inquiry;
  }

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

  /** The input of a field, by its id (one of `FIELDS`). */
  input(field) {
    return this.page.locator(`#${field}`);
  }

  /** The message shown next to a field. */
  message(field) {
    return this.page.locator(`#${field}-message`);
  }

  /** Every field's message at once, trimmed (`''` where there is none), keyed by field id. */
  async messages() {
    return this.page.evaluate(
      (fields) =>
        Object.fromEntries(
          fields.map((f) => [f, (document.getElementById(`${f}-message`)?.textContent ?? '').trim()]),
        ),
      FIELDS,
    );
  }

  /** Sets the fields named in `values` (keyed by field id), as a paste would; the others are left. */
  async fill(values) {
    for (const field of FIELDS) {
      if (field in values) await this.input(field).fill(values[field]);
    }
  }

  /** Presses Enter in a field (資格確認日 unless told), which submits the form. */
  async submitFrom(field = 'confirmation_date') {
    await this.input(field).press('Enter');
  }

  /**
   * What has the keyboard focus: a field's id, `name=value` for a radio button, `button:label` for a
   * button (its label as assistive technology reads it).
   */
  async focused() {
    return this.page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return '';
      if (e instanceof HTMLInputElement && e.type === 'radio') return `${e.name}=${e.value}`;
      if (e instanceof HTMLButtonElement) {
        // The button's label as read out: without the key hint, which is hidden from it.
        const read = [...e.childNodes].filter((n) => !(n instanceof Element && n.ariaHidden === 'true'));
        return `button:${read.map((n) => n.textContent).join('').trim()}`;
      }
      return e.id;
    });
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
