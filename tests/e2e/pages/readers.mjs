// 顔認証付きカードリーダー操作 (S7), and the frame's reader strip and prompt back to 無人運転.
import { Dialog } from './dialog.mjs';
import { Frame } from './frame.mjs';

export class ReadersPage extends Frame {
  constructor(page) {
    super(page);
    this.table = page.locator('.readers-table');
    this.rows = page.locator('.reader-row');
    this.selectedMode = page.getByTestId('selected-mode');
    this.reloadButton = page.getByRole('button', { name: '再読み込み', exact: true });
    this.error = page.getByTestId('readers-error');
    this.date = page.locator('#qualification_date');
    this.dateMessage = page.locator('#qualification_date-message');
    this.confirmed = page.locator('#identity_confirmed');
    this.confirmedMessage = page.locator('#identity_confirmed-message');
    this.waiting = page.getByTestId('visual-waiting');
    this.switchConfirm = new Dialog(page, 'mode-switch-confirm');
    this.switchDone = new Dialog(page, 'mode-switch-done');
    this.runConfirm = new Dialog(page, 'visual-run-confirm');
    this.runDone = new Dialog(page, 'visual-run-done');
    this.runCancelled = new Dialog(page, 'visual-run-cancelled');
    this.strip = page.getByTestId('frame-readers');
    this.returnPrompt = page.getByTestId('reader-return-prompt');
  }

  /** Opens the screen from the menu's tile and waits for the readers. */
  async openFromMenu() {
    await this.page.locator('.menu a.tile', { hasText: '顔認証付きカードリーダー操作' }).click();
    await this.waitFor();
  }

  async waitFor() {
    await this.page.waitForURL('**/card-readers');
    await this.page.locator('.readers-table[aria-busy=false]').waitFor();
  }

  row(readerId) {
    return this.page.locator(`.reader-row[data-reader="${readerId}"]`);
  }

  /** The mode shown green for a reader. */
  async currentMode(readerId) {
    return ((await this.row(readerId).locator('.mode-current').textContent()) ?? '').trim();
  }

  /** Each row as [device name, label, current mode]. */
  async tableRows() {
    const out = [];
    for (let i = 0; i < (await this.rows.count()); i += 1) {
      const row = this.rows.nth(i);
      out.push([
        ((await row.locator('.reader-device').textContent()) ?? '').trim(),
        ((await row.locator('.reader-label').textContent()) ?? '').trim(),
        ((await row.locator('.mode-current').textContent()) ?? '').trim(),
      ]);
    }
    return out;
  }

  /** Presses a mode's button in a reader's row (the confirmation opens). */
  async askSwitch(readerId, mode) {
    await this.row(readerId).getByRole('button', { name: mode, exact: true }).click();
  }

  /** Switches a reader with both dialogs answered OK; returns their two messages. */
  async switchTo(readerId, mode) {
    await this.askSwitch(readerId, mode);
    const asked = await this.switchConfirm.message.textContent();
    await this.switchConfirm.answer('OK');
    await this.switchDone.root.waitFor();
    const told = await this.switchDone.message.textContent();
    await this.switchDone.answer('OK');
    return [asked, told];
  }

  /** The frame's strip as [label, mode] pairs. */
  async frameModes() {
    const items = this.strip.locator('.frame-reader');
    const out = [];
    for (let i = 0; i < (await items.count()); i += 1) {
      const item = items.nth(i);
      out.push([
        ((await item.locator('.frame-reader-label').textContent()) ?? '').trim(),
        ((await item.locator('.frame-reader-mode').textContent()) ?? '').trim(),
      ]);
    }
    return out;
  }
}
