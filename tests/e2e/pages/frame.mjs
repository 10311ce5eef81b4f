// The frame every signed-in screen shares, and the menu (S2).
import { Dialog } from './dialog.mjs';

export class Frame {
  constructor(page) {
    this.page = page;
    this.screenName = page.getByTestId('screen-name');
    this.institution = page.getByTestId('institution');
    this.accountName = page.getByTestId('account-name');
    this.accountKind = page.getByTestId('account-kind');
    this.trainingBanner = page.getByTestId('training-banner');
    this.logoutButton = page.getByRole('button', { name: 'ログアウト' });
    this.logoutConfirm = new Dialog(page, 'logout-confirm');
    this.idleWarning = new Dialog(page, 'idle-warning');
  }

  async logout() {
    await this.logoutButton.click();
    await this.logoutConfirm.answer('OK');
  }
}

export class MenuPage extends Frame {
  constructor(page) {
    super(page);
    this.groupHeadings = page.locator('.menu-group-heading');
    this.tiles = page.locator('.menu .tile');
    this.soonTiles = page.getByTestId('tile-soon');
  }

  async waitFor() {
    await this.page.waitForURL('**/menu');
    await this.screenName.filter({ hasText: 'メニュー' }).waitFor();
  }

  async tileLabels() {
    return this.tiles.locator('.tile-label').allTextContents();
  }
}
