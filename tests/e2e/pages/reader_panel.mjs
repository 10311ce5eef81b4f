// Training's reader panel (S9): the patient's side of a face reader, shown beside any signed-in
// screen through the frame's toggle. The trainer plays the patient, and the staff member at the
// reader, screen by screen.

/** A pattern matching exactly `text` (labels hold parentheses). */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The reader's consent screens, in order (decisions.md D9), with their two answers. */
const QUESTIONS = [
  ['medical', '過去の診療・薬剤・手術情報を当機関に提供することに同意しますか。', '同意する', '同意しない'],
  ['checkups', '過去の特定健診等情報を当機関に提供することに同意しますか。', '同意する', '同意しない'],
  ['limit', '限度額情報や特定疾病療養受療証情報を提供しますか。', '提供する', '提供しない'],
];

export class ReaderPanel {
  constructor(page) {
    this.page = page;
    this.toggle = page.getByTestId('reader-panel-toggle');
    this.panel = page.getByTestId('reader-panel');
    this.heading = this.panel.getByRole('heading');
    this.screen = page.getByTestId('reader-screen');
    this.message = page.getByTestId('reader-screen-message');
    this.error = page.getByTestId('reader-screen-error');
    this.reader = page.locator('#panel_reader');
    this.person = page.locator('#panel_person');
    this.pin = page.locator('#panel_pin');
    this.pinMessage = page.locator('#panel_pin-message');
    this.user = page.locator('#panel_user');
    this.userMessage = page.locator('#panel_user-message');
    this.passcode = page.locator('#panel_passcode');
    this.passcodeMessage = page.locator('#panel_passcode-message');
  }

  /** The button on the reader's screen labelled exactly `label`. */
  button(label) {
    return this.screen.getByRole('button', { name: exactly(label) });
  }

  /** Shows the panel with the frame's toggle (unless it is shown) and waits for the readers. */
  async open() {
    if (!(await this.panel.isVisible())) await this.toggle.click();
    await this.panel.waitFor();
    await this.page.locator('#panel_reader:not([disabled]) option').first().waitFor({ state: 'attached' });
  }

  /** Makes the panel the reader `id` (e.g. `reader-1`). */
  async chooseReader(id) {
    await this.reader.selectOption(id);
  }

  /** Waits until the list of cards is read (again, after a PIN was entered). */
  async peopleReady() {
    await this.page.locator('#panel_person[aria-busy=false] option').first().waitFor({ state: 'attached' });
  }

  /** Places the card of the canned person `personId` (e.g. `shinbashi-taro`) on the reader. */
  async placeCard(personId) {
    await this.peopleReady();
    await this.person.selectOption(personId);
    await this.button('カードを置く').click();
  }

  /** 「顔認証を行う」 on 「本人確認の方法を選んでください」. */
  async chooseFace() {
    await this.button('顔認証を行う').click();
    await this.message.filter({ hasText: '顔を枠内に入れてください' }).waitFor();
  }

  /** 「撮影する」 on the camera's screen. */
  async takePhoto() {
    await this.button('撮影する').click();
  }

  /** 「暗証番号を入力」 on 「本人確認の方法を選んでください」. */
  async choosePin() {
    await this.button('暗証番号を入力').click();
    await this.pin.waitFor();
  }

  /** Types `pin` and presses 確定. */
  async enterPin(pin) {
    await this.pin.fill(pin);
    await this.button('確定').click();
  }

  /** Answers the three consent screens, each waiting for its question. */
  async answer({ medical = false, checkups = false, limit = false } = {}) {
    const answers = { medical, checkups, limit };
    for (const [key, question, yes, no] of QUESTIONS) {
      await this.message.filter({ hasText: exactly(question) }).waitFor();
      await this.button(answers[key] ? yes : no).click();
    }
  }

  /**
   * The whole patient path: `person` places their card at `reader` and proves who they are by
   * `method` (`face`, `pin` with `pin`, or `visual` when staff opened a visual check), answers the
   * consent screens with `consents`, waits for 「確認が完了しました」 and presses OK.
   */
  async visit({ person, reader, method = 'face', pin, consents = {} }) {
    await this.open();
    if (reader !== undefined) await this.chooseReader(reader);
    await this.placeCard(person);
    if (method === 'face') {
      await this.chooseFace();
      await this.takePhoto();
    } else if (method === 'pin') {
      await this.choosePin();
      await this.enterPin(pin);
    }
    await this.answer(consents);
    await this.message.filter({ hasText: exactly('確認が完了しました') }).waitFor();
    await this.button('OK').click();
  }

  /** 職員用ボタン: the user ID (kept as prefilled when `user` is undefined) and the passcode. */
  async staffButton({ user, passcode }) {
    await this.button('職員用ボタン').click();
    await this.passcode.waitFor();
    if (user !== undefined) await this.user.fill(user);
    await this.passcode.fill(passcode);
    await this.button('確定').click();
  }

  /** 「中止」: the reader back to 無人運転. */
  async stop() {
    await this.button('中止').click();
  }
}
