// 照会番号 「編集」 on 資格情報確認 (S6), and 未送信の登録 (the outbox, decisions.md D4).
import { Frame } from './frame.mjs';
import { Dialog } from './dialog.mjs';

/** The 照会番号 field of the first qualification on 資格情報確認, with its 「編集」. */
export class ReferenceEditor {
  constructor(page) {
    this.page = page;
    this.number = page.getByTestId('reference-number').first();
    this.edit = page.getByTestId('reference-edit').first();
    this.input = page.locator('#reference_number');
    this.register = page.getByTestId('reference-register');
    this.message = page.getByTestId('reference_number-error');
    this.status = page.getByTestId('reference-status');
    this.outboxLink = page.getByTestId('reference-outbox-link');
  }

  /** Opens the editor, types `value` over what is there and presses Enter. */
  async registerAs(value) {
    if (!(await this.input.isVisible())) await this.edit.click();
    await this.input.fill(value);
    await this.input.press('Enter');
  }
}

export class OutboxPage extends Frame {
  constructor(page) {
    super(page);
    this.badge = page.getByTestId('outbox-badge');
    this.rows = page.getByTestId('outbox-row');
    this.empty = page.getByTestId('outbox-empty');
    this.resend = page.getByTestId('outbox-resend');
    this.notice = page.getByTestId('outbox-notice');
    this.logoutPrompt = new Dialog(page, 'logout-outbox');
  }

  async waitFor() {
    await this.page.waitForURL('**/outbox');
    await this.screenName.filter({ hasText: '未送信の登録' }).waitFor();
  }

  /** Each row as { content, state, user }. */
  async entries() {
    return this.rows.evaluateAll((rows) =>
      rows.map((row) => ({
        user: row.children[1].textContent.trim(),
        content: row.querySelector('[data-testid=outbox-content]').textContent.trim(),
        state: row.querySelector('[data-testid=outbox-state]').textContent.trim(),
      })),
    );
  }
}

/**
 * Every record of an IndexedDB database as stored: each field as a string, byte arrays as base64, so
 * that a test can look for plain text in what the browser keeps.
 */
export async function rawRecords(page, database) {
  return page.evaluate(async (name) => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes(name)) return null;
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const out = {};
    for (const store of db.objectStoreNames) {
      const records = await new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      out[store] = records.map((record) => {
        if (typeof record !== 'object' || record === null) return String(record);
        const shown = {};
        for (const [key, value] of Object.entries(record)) {
          if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
            const bytes = new Uint8Array(value);
            shown[key] = `bytes:${btoa(String.fromCharCode(...bytes))}`;
          } else if (value instanceof CryptoKey) {
            shown[key] = `CryptoKey(extractable=${value.extractable})`;
          } else if (typeof value === 'object' && value !== null) {
            shown[key] = JSON.stringify(value);
          } else {
            shown[key] = String(value);
          }
        }
        return shown;
      });
    }
    db.close();
    return out;
  }, database);
}
