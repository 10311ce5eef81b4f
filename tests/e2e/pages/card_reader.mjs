// 「汎用カードリーダー」 on 「マイナンバーカードで確認」: staff connect a USB reader (or, in
// training, the app's virtual one) and the patient places the card, enters the PIN on the
// patient-facing pad and answers the consent screens; the result opens as 資格情報確認.

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The patient's consent screens, in order (decisions.md D9), with their two answers. */
const QUESTIONS = [
  ['medical', '過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。', '同意する', '同意しない'],
  ['checkups', '過去の特定健診等情報を当機関に提供することに同意しますか。', '同意する', '同意しない'],
  ['limit', '限度額情報や特定疾病療養受療証情報を提供しますか。', '提供する', '提供しない'],
];

export class CardReaderSection {
  constructor(page) {
    this.page = page;
    this.section = page.locator('section', { has: page.getByRole('heading', { name: '汎用カードリーダー' }) });
    this.connectButton = this.section.getByRole('button', { name: 'カードリーダーを接続' });
    this.virtualButton = this.section.getByRole('button', { name: '仮想カードリーダーを使う' });
    this.disconnectButton = this.section.getByRole('button', { name: '切断', exact: true });
    this.status = this.section.getByRole('status');
    // The section's own alert line (the PIN field has one of its own).
    this.alert = this.section.getByTestId('card-reader-error');
    // Training's virtual reader: the trainer's choice of card.
    this.card = this.section.locator('#card_reader_person');
    this.placeButton = this.section.getByRole('button', { name: 'カードを置く' });
    this.takeButton = this.section.getByRole('button', { name: 'カードを取る' });
    this.onReader = this.section.getByTestId('card-reader-on-reader');
    // The patient-facing panel.
    this.patient = page.getByRole('region', { name: '患者さま向け画面' });
    this.message = this.patient.getByTestId('card-patient-message');
    this.pin = this.patient.getByLabel('暗証番号', { exact: true });
    this.pinMessage = this.patient.locator('#card_pin-message');
    this.tries = this.patient.getByTestId('card-pin-tries');
    this.confirm = this.patient.getByRole('button', { name: '確定', exact: true });
    this.stop = this.patient.getByRole('button', { name: '中止', exact: true });
  }

  /** 「カードリーダーを接続」: the browser's chooser (the fake answers it). */
  async connect() {
    await this.connectButton.click();
  }

  /** 「仮想カードリーダーを使う」 (training only) and waits until it is connected. */
  async useVirtual() {
    await this.virtualButton.click();
    await this.status.filter({ hasText: '接続中：' }).waitFor();
  }

  /** Lays the canned person `personId`'s card on the virtual reader. */
  async placeVirtualCard(personId) {
    await this.card.selectOption(personId);
    await this.placeButton.click();
  }

  /** Waits for the patient panel's message to be exactly `text`. */
  async waitForMessage(text, options) {
    await this.message.filter({ hasText: exactly(text) }).waitFor(options);
  }

  /** The PIN pad: waits for it, types `pin` and presses 確定. */
  async enterPin(pin) {
    await this.pin.waitFor();
    await this.pin.fill(pin);
    await this.confirm.click();
  }

  /** Answers the three consent screens, each once its question is shown. */
  async answer({ medical = false, checkups = false, limit = false } = {}) {
    const answers = { medical, checkups, limit };
    for (const [key, question, yes, no] of QUESTIONS) {
      await this.waitForMessage(question);
      await this.patient.getByRole('button', { name: exactly(answers[key] ? yes : no) }).click();
    }
  }
}
