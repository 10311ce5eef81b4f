// 資格確認履歴照会 (S3) and 資格確認履歴詳細 (S4).
import { Frame } from './frame.mjs';

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The list's cells, by the `data-col` of each. */
export const COLUMNS = [
  'number',
  'confirmed_at',
  'login_id',
  'reference_number',
  'classification',
  'result',
  'insurer_number',
  'symbol_number_branch',
  'name',
  'sex',
  'birthdate',
];

export class HistoryPage extends Frame {
  constructor(page, baseUrl) {
    super(page);
    this.baseUrl = baseUrl;
    this.institutionCode = page.getByTestId('institution-code');
    this.fromDate = page.locator('#from_date');
    this.fromTime = page.locator('#from_time');
    this.toDate = page.locator('#to_date');
    this.toTime = page.locator('#to_time');
    this.kind = page.locator('#kind');
    this.narrow = page.locator('#narrow');
    this.loginId = page.locator('#login_id');
    this.referenceNumber = page.locator('#reference_number');
    this.fromMessage = page.locator('#from-message');
    this.toMessage = page.locator('#to-message');
    this.error = page.getByTestId('history-error');
    this.search = page.locator('form.history-conditions button[type=submit]');
    this.download = page.getByTestId('history-download');
    this.clear = page.getByRole('button', { name: 'クリア' });
    this.downloadError = page.getByTestId('download-error');
    this.refused = page.getByTestId('csv-refused');
    this.summary = page.getByTestId('history-summary');
    this.pager = page.getByTestId('pager');
    this.newRows = page.getByTestId('history-new');
    this.entries = page.getByTestId('history-entry');
    // The detail (S4).
    this.detail = page.getByTestId('history-detail');
    this.banner = page.getByTestId('result-banner');
    this.blackCircleWarning = page.getByTestId('black-circle-warning');
    this.consents = page.getByTestId('consents');
    this.kana = page.getByTestId('kana');
    this.name = page.getByTestId('name');
    this.detailDownload = this.detail.locator('.check-buttons').getByRole('button', { name: 'ダウンロード' });
    this.back = this.detail.locator('.check-buttons').getByRole('button', { name: '戻る' });
  }

  async waitFor() {
    await this.page.waitForURL('**/history');
    await this.summary.waitFor();
  }

  /** Chooses the CSV's character set: `utf-8` or `cp932`. */
  async chooseEncoding(value) {
    await this.page.locator(`input[name=csv_encoding][value=${value}]`).check();
  }

  /** Presses a page link of the pager (「<<前へ」, 「次へ>>」 or a number). */
  async goToPage(label) {
    await this.pager.getByRole('button', { name: exactly(String(label)) }).click();
  }

  /** The pager's text, e.g. 「<<前へ 1 2 次へ>>」. */
  async pagerText() {
    const parts = await this.pager.locator('button, span').allTextContents();
    return parts.map((t) => t.trim()).join(' ');
  }

  /** The cells of the `n`th entry shown (from 0), by column. */
  async row(n) {
    const entry = this.entries.nth(n);
    const cells = {};
    for (const column of COLUMNS) {
      cells[column] = ((await entry.locator(`[data-col=${column}]`).textContent()) ?? '').trim();
    }
    // The 「新着」 badge sits in the number's cell; the number alone is what the list counts.
    cells.number = cells.number.replace('新着', '');
    return cells;
  }

  /** Every entry shown, as rows. */
  async rows() {
    const rows = [];
    for (let n = 0; n < (await this.entries.count()); n += 1) rows.push(await this.row(n));
    return rows;
  }

  /** Opens the detail of the `n`th entry shown. */
  async openDetail(n) {
    await this.entries.nth(n).getByRole('button', { name: '詳細' }).click();
    await this.banner.waitFor();
  }

  /** The value beside a label on the detail. */
  async field(label) {
    const row = this.detail
      .locator('.check-field')
      .filter({ has: this.page.locator('dt', { hasText: exactly(label) }) });
    return ((await row.first().locator('dd').textContent()) ?? '').trim();
  }

  /** The detail's consent table as { label: あり|なし }. */
  async consentTable() {
    const table = {};
    const headers = this.consents.locator('th');
    for (let i = 0; i < (await headers.count()); i += 1) {
      const th = headers.nth(i);
      const label = ((await th.textContent()) ?? '').trim();
      table[label] = ((await th.locator('xpath=following-sibling::td[1]').textContent()) ?? '').trim();
    }
    return table;
  }
}
