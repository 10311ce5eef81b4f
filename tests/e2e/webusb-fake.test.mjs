// The WebUSB fake itself (tests/e2e/support/webusb_fake.mjs), driven from Node without the app: the
// research's golden Port-100 frames (docs/card-reader.md §2.1) are acknowledged and
// answered, a bad checksum gets the error frame, Type B activation and ISO-DEP chaining and waiting-
// time extensions behave as ISO 14443-4 says, the JPKI AP keeps its PIN counter as the research
// says, and the card's signature verifies with Node's crypto. So the end-to-end tests stand on a
// fake known to be right independently of the app (decisions.md D8).
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { certificateDer, virtualCard } from './support/test_pki.mjs';
import { installWebUsbFake } from './support/webusb_fake.mjs';

/** Bytes from a hex string as the research writes them (`00 00 FF …`). */
const bytes = (text) => Uint8Array.from(text.trim().split(/\s+/), (h) => parseInt(h, 16));
const hex = (data) => Array.from(data, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
const ACK = '00 00 FF 00 FF 00';
const SHA256_PREFIX = bytes('30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20');
const TARO = 'shinbashi-taro';

/** A fresh fake on a stand-in window (a user gesture is active, as in a click handler). */
function install(options = {}) {
  const window = { navigator: { userActivation: { isActive: true } } };
  const control = installWebUsbFake({ cards: { taro: virtualCard(TARO) }, ...options }, window);
  return { usb: window.navigator.usb, control };
}

/** Chooses the RC-S380 and claims its vendor interface; returns the device and its bulk endpoints. */
async function claimReader(usb) {
  const device = await usb.requestDevice({ filters: [{ vendorId: 0x054c, productId: 0x06c1 }] });
  await device.open();
  await device.selectConfiguration(1);
  const iface = device.configuration.interfaces.find((i) => i.alternate.interfaceClass === 0xff);
  await device.claimInterface(iface.interfaceNumber);
  const endpoints = iface.alternate.endpoints;
  return {
    device,
    out: endpoints.find((e) => e.direction === 'out' && e.type === 'bulk').endpointNumber,
    in: endpoints.find((e) => e.direction === 'in' && e.type === 'bulk').endpointNumber,
  };
}

/** The host's side of Port-100, written here for the test (not shared with the fake). */
class Host {
  constructor(reader) {
    this.reader = reader;
  }

  async write(frame) {
    const result = await this.reader.device.transferOut(this.reader.out, frame);
    assert.equal(result.bytesWritten, frame.length);
  }

  async read() {
    const result = await this.reader.device.transferIn(this.reader.in, 512);
    assert.equal(result.status, 'ok');
    return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
  }

  /** `00 00 FF FF FF LEN(LE) LCS D6 cmd params DCS 00`. */
  static frame(cmd, params = []) {
    const data = [0xd6, cmd, ...params];
    const len = [data.length & 0xff, data.length >> 8];
    const sum = (xs) => xs.reduce((s, x) => s + x, 0);
    return Uint8Array.from([0, 0, 0xff, 0xff, 0xff, ...len, (256 - (sum(len) % 256)) % 256, ...data, (256 - (sum(data) % 256)) % 256, 0]);
  }

  /** Sends a command frame, expects the ACK, and returns the response's data after `D7 cmd+1`. */
  async command(cmd, params = []) {
    await this.write(Host.frame(cmd, params));
    assert.equal(hex(await this.read()), ACK);
    const response = await this.read();
    return Host.unframe(response, cmd);
  }

  static unframe(response, cmd) {
    assert.equal(hex(response.slice(0, 5)), '00 00 FF FF FF', `a data frame: ${hex(response)}`);
    const len = response[5] | (response[6] << 8);
    assert.equal((response[5] + response[6] + response[7]) % 256, 0, 'LCS');
    const data = response.slice(8, 8 + len);
    assert.equal((data.reduce((s, x) => s + x, 0) + response[8 + len]) % 256, 0, 'DCS');
    assert.equal(response[9 + len], 0, 'postamble');
    assert.equal(response.length, 10 + len);
    assert.deepEqual([data[0], data[1]], [0xd7, cmd + 1]);
    return data.slice(2);
  }

  /** InCommRF: `{ error, card }` — the 4-byte LE error word and the card's bytes after it. */
  async rf(frame, timeoutMs = 100) {
    const t = (timeoutMs + 1) * 10;
    const data = await this.command(0x04, [t & 0xff, t >> 8, ...frame]);
    const error = data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24);
    return { error, card: data.slice(5) };
  }

  /** The research's initialisation and Type B field: SetCommandType, SwitchRF, InSetRF, InSetProtocol. */
  async typeB() {
    await this.write(bytes(ACK));
    assert.deepEqual([...(await this.command(0x2a, [0x01]))], [0x00]);
    assert.deepEqual([...(await this.command(0x06, [0x00]))], [0x00]);
    assert.deepEqual([...(await this.command(0x00, [0x03, 0x07, 0x0f, 0x07]))], [0x00]);
    const defaults = bytes('00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06');
    assert.deepEqual([...(await this.command(0x02, defaults))], [0x00]);
    assert.deepEqual([...(await this.command(0x02, bytes('0B 01 09 01 0C 01 0A 01 00 14')))], [0x00]);
  }

  /** SENSB_REQ then ATTRIB; returns the PUPI. */
  async activate() {
    const atqb = await this.rf(bytes('05 00 10'), 30);
    assert.equal(atqb.error, 0, 'a card answered');
    assert.equal(atqb.card[0], 0x50, 'ATQB');
    const pupi = atqb.card.slice(1, 5);
    const attrib = await this.rf([0x1d, ...pupi, 0x00, 0x08, 0x01, 0x00]);
    assert.equal(attrib.error, 0);
    this.pni = 0;
    this.blocks = [];
    return pupi;
  }

  /** One APDU through ISO-DEP: I-block, R(ACK) for chained answers, S(WTX) answered. */
  async apdu(command) {
    let answer = await this.rf([0x02 | this.pni, ...command], 200);
    const body = [];
    for (;;) {
      assert.equal(answer.error, 0, 'the card answered');
      const pcb = answer.card[0];
      this.blocks.push(pcb);
      if (pcb === 0xf2) {
        answer = await this.rf([0xf2, answer.card[1]], 1000);
        continue;
      }
      assert.equal(pcb & 0xee, 0x02, `an I-block: ${hex(answer.card)}`);
      assert.equal(pcb & 0x01, this.pni, 'the card answers with the block number it was sent');
      body.push(...answer.card.slice(1));
      this.pni ^= 1;
      if (!(pcb & 0x10)) break;
      answer = await this.rf([0xa2 | this.pni], 200);
    }
    return { data: Uint8Array.from(body.slice(0, -2)), sw: hex(body.slice(-2)) };
  }
}

const SELECT_JPKI = bytes('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01');
const selectEf = (fid) => bytes(`00 A4 02 0C 02 ${fid}`);
const VERIFY_1234 = bytes('00 20 00 80 04 31 32 33 34');
const VERIFY_0000 = bytes('00 20 00 80 04 30 30 30 30');
const TRIES = bytes('00 20 00 80');

/** A host with the card placed and activated. */
async function activeCard(options) {
  const { usb, control } = install(options);
  const host = new Host(await claimReader(usb));
  control.placeCard();
  await host.typeB();
  await host.activate();
  return { host, control };
}

test('the golden frames: SetCommandType and SwitchRF are acknowledged, then answered', async () => {
  const { usb, control } = install();
  const host = new Host(await claimReader(usb));
  await host.write(bytes('00 00 FF FF FF 03 00 FD D6 2A 01 FF 00'));
  assert.equal(hex(await host.read()), ACK);
  assert.deepEqual([...Host.unframe(await host.read(), 0x2a)], [0x00]);
  await host.write(bytes('00 00 FF FF FF 03 00 FD D6 06 00 24 00'));
  assert.equal(hex(await host.read()), ACK);
  assert.deepEqual([...Host.unframe(await host.read(), 0x06)], [0x00]);
  assert.deepEqual(control.violations, []);
});

test('a bad DCS or LCS gets the error frame 00 00 FF FF FF and no ACK', async () => {
  const { usb, control } = install();
  const host = new Host(await claimReader(usb));
  await host.write(bytes('00 00 FF FF FF 03 00 FD D6 2A 01 FE 00'));
  assert.equal(hex(await host.read()), '00 00 FF FF FF');
  await host.write(bytes('00 00 FF FF FF 03 00 FC D6 2A 01 FF 00'));
  assert.equal(hex(await host.read()), '00 00 FF FF FF');
  assert.deepEqual(control.violations.map((v) => v.split(':')[0]), ['bad DCS', 'bad LCS']);
  // The reader still works after them.
  assert.deepEqual([...(await host.command(0x2a, [0x01]))], [0x00]);
});

test('with no card, InCommRF answers the receive-timeout error 0x80 once its timeout has passed', async () => {
  const { usb, control } = install();
  const host = new Host(await claimReader(usb));
  await host.typeB();
  const started = Date.now();
  const sensb = await host.rf(bytes('05 00 10'), 30);
  assert.ok(Date.now() - started >= 25, 'the reader waited for the card');
  assert.equal(sensb.error, 0x80);
  assert.equal(sensb.card.length, 0);
  assert.deepEqual(control.violations, []);
});

test('Type B: SENSB_REQ → ATQB 50 with a PUPI new at each power-up, ATTRIB, then I-blocks 02/03', async () => {
  const { usb, control } = install();
  const host = new Host(await claimReader(usb));
  control.placeCard();
  await host.typeB();
  const first = await host.activate();
  assert.equal(first.length, 4);
  // A card in the ACTIVE state ignores REQB; turning the field off and on powers it up afresh.
  assert.equal((await host.rf(bytes('05 00 10'), 30)).error, 0x80);
  await host.typeB();
  const second = await host.activate();
  assert.notDeepEqual([...second], [...first]);
  assert.deepEqual(await host.apdu(SELECT_JPKI), { data: new Uint8Array(0), sw: '90 00' });
  await host.apdu(selectEf('00 06'));
  const token = await host.apdu(bytes('00 B0 00 00 20'));
  assert.equal(token.sw, '90 00');
  assert.equal(Buffer.from(token.data).toString('latin1').trimEnd(), 'JPKIAPICCTOKEN2');
  assert.deepEqual(host.blocks, [0x02, 0x03, 0x02]);
  assert.deepEqual(control.violations, []);
});

test('the 利用者証明用 certificate, read in 255-byte parts, comes back whole through chained I-blocks', async () => {
  const { host, control } = await activeCard();
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 0A'));
  const head = await host.apdu(bytes('00 B0 00 00 07'));
  assert.equal(head.sw, '90 00');
  assert.equal(hex(head.data.slice(0, 2)), '30 82');
  const total = 4 + ((head.data[2] << 8) | head.data[3]);
  const parts = [head.data];
  for (let offset = 7; offset < total; offset += 255) {
    const le = Math.min(255, total - offset);
    const part = await host.apdu(Uint8Array.from([0x00, 0xb0, offset >> 8, offset & 0xff, le]));
    assert.equal(part.sw, '90 00');
    parts.push(part.data);
  }
  assert.deepEqual(Buffer.concat(parts), certificateDer(TARO));
  assert.ok(host.blocks.some((pcb) => pcb & 0x10), 'some answers were chained');
  // Reading past the end: 6B 00; an unknown EF: 6A 82.
  assert.equal((await host.apdu(Uint8Array.from([0x00, 0xb0, total >> 8, total & 0xff, 0x10]))).sw, '6B 00');
  assert.equal((await host.apdu(selectEf('00 99'))).sw, '6A 82');
  assert.deepEqual(control.violations, []);
});

test('the auth PIN: 63 C3, wrong → 63 C2 → 63 C1 → 63 C0, then 69 84 even for the right PIN', async () => {
  const { host, control } = await activeCard();
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 18'));
  assert.equal((await host.apdu(TRIES)).sw, '63 C3');
  assert.equal((await host.apdu(VERIFY_0000)).sw, '63 C2');
  assert.equal((await host.apdu(VERIFY_0000)).sw, '63 C1');
  assert.equal((await host.apdu(TRIES)).sw, '63 C1');
  assert.equal((await host.apdu(VERIFY_0000)).sw, '63 C0');
  assert.equal((await host.apdu(VERIFY_1234)).sw, '69 84');
  assert.equal((await host.apdu(TRIES)).sw, '69 84');
  assert.deepEqual(control.triesLeft(), { auth: 0, support: 3 });
  assert.deepEqual(control.violations, []);
});

test('the counter resets only on a success, and a blocked PIN may answer 69 83 instead', async () => {
  const { host, control } = await activeCard({ cards: { taro: virtualCard(TARO, { blockedStatus: 0x6983 }) } });
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 18'));
  assert.equal((await host.apdu(VERIFY_0000)).sw, '63 C2');
  assert.equal((await host.apdu(VERIFY_0000)).sw, '63 C1');
  assert.equal((await host.apdu(VERIFY_1234)).sw, '90 00');
  assert.equal((await host.apdu(TRIES)).sw, '90 00', 'verified in this session');
  assert.deepEqual(control.triesLeft(), { auth: 3, support: 3 });
  for (const expected of ['63 C2', '63 C1', '63 C0', '69 83']) assert.equal((await host.apdu(VERIFY_0000)).sw, expected);
});

test('SIGN before VERIFY is 69 82; after it, S(WTX) comes first and the signature verifies with Node', async (t) => {
  const { host, control } = await activeCard();
  const nonce = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const digestInfo = Buffer.concat([SHA256_PREFIX, createHash('sha256').update(nonce).digest()]);
  const signCommand = Uint8Array.from([0x80, 0x2a, 0x00, 0x80, digestInfo.length, ...digestInfo, 0x00]);
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 17'));
  assert.deepEqual(await host.apdu(signCommand), { data: new Uint8Array(0), sw: '69 82' });
  await host.apdu(selectEf('00 18'));
  assert.equal((await host.apdu(VERIFY_1234)).sw, '90 00');
  await host.apdu(selectEf('00 17'));
  host.blocks = [];
  const started = Date.now();
  const signed = await host.apdu(signCommand);
  const took = Date.now() - started;
  assert.equal(signed.sw, '90 00');
  assert.equal(signed.data.length, 256);
  assert.equal(host.blocks[0], 0xf2, 'the card asked for more time first');
  assert.ok(host.blocks.slice(1).some((pcb) => pcb & 0x10), 'the 258-byte answer was chained');
  const publicKey = new X509Certificate(certificateDer(TARO)).publicKey;
  assert.equal(verify('sha256', nonce, publicKey, signed.data), true);
  assert.equal(verify('sha256', Uint8Array.of(1, 2, 3), publicKey, signed.data), false);
  assert.deepEqual(control.violations, []);
  t.diagnostic(`signature (BigInt modPow, one S(WTX), 120 ms card time): ${took} ms`);
});

test('the card taken away during SIGN: the exchange times out (0x80), and so does the next SENSB_REQ', async () => {
  const { host, control } = await activeCard();
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 18'));
  await host.apdu(VERIFY_1234);
  await host.apdu(selectEf('00 17'));
  control.removeCardDuring('sign');
  const digestInfo = Buffer.concat([SHA256_PREFIX, Buffer.alloc(32)]);
  const answer = await host.rf([0x02 | host.pni, 0x80, 0x2a, 0x00, 0x80, digestInfo.length, ...digestInfo, 0x00], 50);
  assert.equal(answer.error, 0x80);
  assert.equal(control.hasCard(), false);
  assert.equal((await host.rf(bytes('05 00 10'), 30)).error, 0x80);
  // Placed again, it answers afresh, its PIN no longer verified (a new session).
  control.placeCard();
  await host.activate();
  await host.apdu(SELECT_JPKI);
  await host.apdu(selectEf('00 18'));
  assert.equal((await host.apdu(TRIES)).sw, '63 C3');
});

test('the 券面事項入力補助 AP: 基本4情報 behind its own PIN, as FF 20 82 hh ll', async () => {
  const four = { name: '新橋　太郎', address: '東京都港区新橋１－１－１', birthdate: '19700101', sex: '1' };
  const { host } = await activeCard({ cards: { taro: virtualCard(TARO, { basicFour: four }) } });
  assert.equal((await host.apdu(bytes('00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08'))).sw, '90 00');
  await host.apdu(selectEf('00 02'));
  assert.equal((await host.apdu(bytes('00 B0 00 00 07'))).sw, '69 82');
  await host.apdu(selectEf('00 11'));
  assert.equal((await host.apdu(VERIFY_1234)).sw, '90 00');
  await host.apdu(selectEf('00 02'));
  const head = await host.apdu(bytes('00 B0 00 00 05'));
  assert.equal(hex(head.data.slice(0, 3)), 'FF 20 82');
  const total = 5 + ((head.data[3] << 8) | head.data[4]);
  const rest = await host.apdu(Uint8Array.from([0x00, 0xb0, 0x00, 0x05, total - 5]));
  const text = Buffer.from(rest.data).toString('utf8');
  for (const value of Object.values(four)) assert.ok(text.includes(value), value);
});

test('the CCID reader is offered for class 0x0B, and claiming it fails as Chrome fails it', async () => {
  const { usb, control } = install({ devices: ['ccid'] });
  const device = await usb.requestDevice({ filters: [{ vendorId: 0x054c, productId: 0x06c1 }, { classCode: 0x0b }] });
  assert.deepEqual([device.vendorId, device.productId], [0x04e6, 0x5790]);
  await device.open();
  await device.selectConfiguration(1);
  await assert.rejects(device.claimInterface(0), (error) => {
    assert.equal(error.name, 'SecurityError');
    assert.equal(error.message, 'The requested interface implements a protected class.');
    return true;
  });
  await assert.rejects(device.transferIn(2, 64), { name: 'NotFoundError' });
  assert.deepEqual(control.calls.claimInterface, [0]);
});

test('requestDevice honours the filters, the user cancelling, and the gesture Chrome requires', async () => {
  const noDevice = { name: 'NotFoundError', message: 'No device selected.' };
  const { usb, control } = install({ devices: ['rcs380'] });
  await assert.rejects(usb.requestDevice({ filters: [{ classCode: 0x0b }] }), noDevice);
  await assert.rejects(usb.requestDevice({ filters: [{ vendorId: 0x054c, productId: 0x0dc8 }] }), noDevice);
  await assert.rejects(usb.requestDevice({ filters: [{ productId: 0x06c1 }] }), TypeError);
  await assert.rejects(usb.requestDevice({}), TypeError);
  const device = await usb.requestDevice({ filters: [{ classCode: 0xff }] });
  assert.equal(device.productName, 'RC-S380/S');
  assert.deepEqual(await usb.getDevices(), [device]);
  control.setChooser('cancel');
  await assert.rejects(usb.requestDevice({ filters: [{ vendorId: 0x054c }] }), noDevice);
  const quiet = { navigator: { userActivation: { isActive: false } } };
  installWebUsbFake({}, quiet);
  await assert.rejects(quiet.navigator.usb.requestDevice({ filters: [] }), { name: 'SecurityError' });
});

test('unplugging: a waiting transferIn fails NotFoundError, disconnect fires, later calls fail too', async () => {
  const { usb, control } = install();
  const reader = await claimReader(usb);
  const events = [];
  usb.addEventListener('disconnect', (event) => events.push(['listener', event.device === reader.device]));
  usb.ondisconnect = (event) => events.push(['handler', event.device === reader.device]);
  const waiting = reader.device.transferIn(reader.in, 64);
  control.unplug();
  await assert.rejects(waiting, { name: 'NotFoundError', message: 'The device was disconnected.' });
  assert.deepEqual(events, [['listener', true], ['handler', true]]);
  await assert.rejects(reader.device.transferOut(reader.out, Host.frame(0x2a, [1])), { name: 'NotFoundError' });
  assert.deepEqual(await usb.getDevices(), []);
});
