// 「マイナンバーカードで確認」: the reception screen's live list of reader results and the result shown
// as 資格情報確認 (S6). The patient at a reader is played on the reader panel (reader_panel.mjs).
import { Frame } from './frame.mjs';

export class ReceptionPage extends Frame {
  constructor(page) {
    super(page);
    this.feed = page.getByTestId('reception-feed');
    this.announcement = page.getByTestId('reception-announcement');
    this.rows = page.getByTestId('reception-row');
    this.newBadges = page.getByTestId('reception-new');
    this.error = page.getByTestId('reception-error');
    this.insuranceTab = page.locator('.tabs').getByRole('link', { name: '保険証' });
    // Face reader files the endpoint could not read, newest first.
    this.unreadable = page.getByTestId('face-unreadable');
    this.unreadableNotices = page.getByTestId('face-unreadable-notice');
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

  /**
   * The `index`th notice of a face reader file that could not be read (newest first): its reason
   * (`data-reason`) and what it says, paragraph by paragraph: when and what, why, what to do, the file.
   */
  async unreadableNotice(index) {
    const notice = this.unreadableNotices.nth(index);
    const texts = await notice.locator('p').allTextContents();
    return { reason: await notice.getAttribute('data-reason'), texts: texts.map((t) => t.trim()) };
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
