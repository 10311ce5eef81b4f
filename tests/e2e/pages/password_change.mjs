// パスワード変更 (S14): the three fields with their messages, the policy, the first sign-in's notice,
// 「変更」 and the completion dialog.
import { Dialog } from './dialog.mjs';
import { Frame } from './frame.mjs';

export class PasswordChangePage extends Frame {
  constructor(page) {
    super(page);
    this.root = page.getByTestId('password-change');
    // By id: each label starts with the required mark 「* 」.
    this.current = page.locator('#current_password');
    this.newPassword = page.locator('#new_password');
    this.confirmation = page.locator('#new_password_confirm');
    this.submitButton = page.getByTestId('password-change-submit');
    this.error = page.getByTestId('password-change-error');
    this.firstNotice = page.getByTestId('password-change-first');
    this.policy = page.getByTestId('password-policy');
    this.changed = new Dialog(page, 'password-changed');
  }

  /** Waits for the screen. */
  async waitFor() {
    await this.page.waitForURL('**/password');
    await this.submitButton.waitFor();
  }

  /** Fills the three fields and presses 「変更」; does not wait for the outcome. */
  async submit(current, newPassword, confirmation = newPassword) {
    await this.current.fill(current);
    await this.newPassword.fill(newPassword);
    await this.confirmation.fill(confirmation);
    await this.submitButton.click();
  }

  /** The messages under the fields: current, new, confirmation. */
  async messages() {
    const ids = ['current_password', 'new_password', 'new_password_confirm'];
    return Promise.all(ids.map(async (id) => ((await this.page.locator(`#${id}-message`).textContent()) ?? '').trim()));
  }

  /** Changes the password and closes the completion dialog with OK (which leads to the menu). */
  async change(current, newPassword) {
    await this.submit(current, newPassword);
    await this.changed.root.waitFor();
    await this.changed.answer('OK');
  }
}
