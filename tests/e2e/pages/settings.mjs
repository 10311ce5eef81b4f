// 接続先の設定: training mode, this server, or another endpoint typed in.
export class SettingsPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.screenName = page.locator('.frame-screen');
    this.training = page.locator('input[name=endpoint][value=training]');
    this.thisServer = page.locator('input[name=endpoint][value=this_server]');
    this.other = page.locator('input[name=endpoint][value=other]');
    // By id: the "other" radio button's accessible name mentions the URL too.
    this.url = page.locator('#endpoint_url');
    this.urlMessage = page.locator('#endpoint_url-message');
    this.save = page.getByRole('button', { name: 'この接続先を使う' });
    this.error = page.getByTestId('settings-error');
    this.saved = page.getByTestId('settings-saved');
    this.currentEndpoint = page.getByTestId('current-endpoint');
    this.currentAddress = page.getByTestId('current-address');
    this.currentState = page.getByTestId('current-state');
    this.toSignIn = page.getByRole('link', { name: 'ログイン画面へ' });
  }

  async goto() {
    await this.page.goto(`${this.baseUrl}/settings`);
    await this.waitFor();
  }

  async waitFor() {
    await this.page.waitForURL('**/settings');
    await this.save.waitFor();
  }

  /** Chooses the endpoint that served the page; does not wait for the outcome. */
  async chooseThisServer() {
    await this.thisServer.check();
    await this.save.click();
  }

  /** Opens the screen, chooses the server that served the page, and waits until it is saved. */
  async useThisServer() {
    await this.goto();
    await this.chooseThisServer();
    await this.saved.filter({ hasText: '接続先を変更しました。' }).waitFor();
  }

  /** Chooses another endpoint by its address; does not wait for the outcome. */
  async chooseUrl(url) {
    await this.other.check();
    await this.url.fill(url);
    await this.save.click();
  }

  /** The saved choice (localStorage `onshi.endpoint`), parsed; null when there is none. */
  async savedChoice() {
    return this.page.evaluate(() => JSON.parse(localStorage.getItem('onshi.endpoint')));
  }
}
