// S1: the start page.
export class StartPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.begin = page.getByRole('link', { name: 'システムの利用を始める' });
    this.endpointName = page.getByTestId('endpoint-name');
    this.settingsLink = page.getByRole('link', { name: '接続先の設定' });
  }

  async goto() {
    await this.page.goto(`${this.baseUrl}/`);
    await this.begin.waitFor();
  }
}
