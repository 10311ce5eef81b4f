// 目視確認用パスコード発行 (S8): the explanation, 「発行」, its confirmation, and the code shown once.
import { Dialog } from './dialog.mjs';
import { Frame } from './frame.mjs';

export class PasscodePage extends Frame {
  constructor(page) {
    super(page);
    this.root = page.getByTestId('passcode');
    this.explanation = page.locator('.passcode-explanation');
    this.issueButton = this.root.getByRole('button', { name: '発行', exact: true });
    this.error = page.getByTestId('passcode-error');
    this.confirm = new Dialog(page, 'passcode-confirm');
    this.issued = new Dialog(page, 'passcode-issued');
    this.value = page.getByTestId('passcode-value');
  }

  /** Waits for the screen. */
  async waitFor() {
    await this.page.waitForURL('**/visual-check-passcode');
    await this.issueButton.waitFor();
  }

  /**
   * Issues a code: 発行, OK, reads the code from its dialog, closes the dialog with OK, and returns
   * the code (four digits, as a string).
   */
  async issue() {
    await this.issueButton.click();
    await this.confirm.answer('OK');
    await this.value.waitFor();
    const code = ((await this.value.textContent()) ?? '').trim();
    await this.issued.answer('OK');
    await this.issued.root.waitFor({ state: 'detached' });
    return code;
  }
}
