// A modal dialog (components/dialog.rs), found by its test id.
export class Dialog {
  constructor(page, testId) {
    this.page = page;
    this.root = page.getByTestId(testId);
  }

  get message() {
    return this.root.locator('.dialog-message');
  }

  async answer(label) {
    await this.root.getByRole('button', { name: label, exact: true }).click();
  }
}
