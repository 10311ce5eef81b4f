// S1: the start page.
export class StartPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.begin = page.getByRole('link', { name: 'システムの利用を始める' });
  }

  async goto() {
    await this.page.goto(`${this.baseUrl}/`);
    await this.begin.waitFor();
  }
}
