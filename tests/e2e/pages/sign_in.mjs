// S1: the sign-in page and its forced-login prompt.
import { Dialog } from './dialog.mjs';
import { syncWorldClock } from '../support/world.mjs';

export class SignInPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.userId = page.getByLabel('ユーザID');
    this.password = page.getByLabel('パスワード', { exact: true });
    this.submitButton = page.locator('form.sign-in-form button[type=submit]');
    this.error = page.getByTestId('sign-in-error');
    this.notice = page.getByTestId('session-notice');
    this.trainingAccounts = page.getByTestId('training-accounts');
    this.forcePrompt = new Dialog(page, 'force-sign-in');
    this.endpointName = page.getByTestId('endpoint-name');
    this.endpointProblem = page.getByTestId('endpoint-problem');
    this.settingsLink = page.getByRole('link', { name: '接続先の設定' });
  }

  /**
   * Opens the page. In a context whose clock Playwright set, the training world's clock is set to the
   * page's first, so that the screens and the training dispatcher agree on the day and the hour.
   */
  async goto() {
    await this.page.goto(`${this.baseUrl}/login`);
    await this.userId.waitFor();
    if (this.page.context().onshiClock && (await this.onTraining())) await syncWorldClock(this.page);
  }

  /** Whether the app talks to the training world (the default) rather than an endpoint staff chose. */
  async onTraining() {
    const saved = await this.page.evaluate(() => localStorage.getItem('onshi.endpoint'));
    return saved === null || JSON.parse(saved).kind === 'training';
  }

  async fill(userId, password) {
    await this.userId.fill(userId);
    await this.password.fill(password);
  }

  /** Fills the form and presses ログイン; does not wait for the outcome. */
  async submit(userId, password) {
    await this.fill(userId, password);
    await this.submitButton.click();
  }

  /** The message under a field (`user_id` or `password`). */
  fieldMessage(field) {
    return this.page.locator(`#${field}-message`);
  }
}
