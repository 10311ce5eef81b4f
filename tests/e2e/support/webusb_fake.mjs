// A fake `navigator.usb` for the end-to-end tests of the general-purpose card reader: a Sony
// RC-S380 speaking Port-100 to a virtual My Number card, and a CCID reader that Chrome refuses.
//
// It is written from docs/card-reader.md (Port-100 framing, the Type B My Number
// sequence, the JPKI files, PIN retry semantics, Chrome's protected classes and its messages) and
// from the rules of ISO/IEC 14443-3/-4 (REQB/ATQB/ATTRIB, ISO-DEP blocks, chaining, waiting-time
// extensions) and ISO/IEC 7816-4 (APDU cases, status words) — never from the app's Rust, so that the
// app is checked against an independent reading of the same facts (decisions.md D8).
//
// `installWebUsbFake` must stay self-contained: Playwright serialises it with `toString()` for
// `context.addInitScript(installWebUsbFake, options)`, so it may not refer to anything outside its
// own body. Node's unit test (tests/e2e/webusb-fake.test.mjs) calls it with a stand-in `target`.
//
// The test controls the fake through `window.__onshiUsb` (see `control` below). The fake records what
// a careful host would never do (a bad checksum, an I-block whose number did not toggle, a command
// before SetCommandType…) in `__onshiUsb.violations`, so a test can assert the app spoke cleanly.

/**
 * Installs the fake on `target` (the page's window by default). Options:
 * - `devices`: the readers plugged in, in chooser order: `'rcs380'` and/or `'ccid'` (default `['rcs380']`);
 * - `cards`: `{ name: { certificate (base64 DER), n, d (base64url, as a JWK gives them), pin = '1234',
 *   supportPin, caCertificate (base64 DER), basicFour: { name, address, birthdate, sex }, myNumber,
 *   blockedStatus = 0x6984 } }`;
 * - `chooser`: `'select'` (the user picks the first matching reader) or `'cancel'`;
 * - `frameSize`: the most INF bytes the card puts in one I-block before chaining (default 64);
 * - `wtx`: how many S(WTX) requests the card sends before a signature (default 1);
 * - `signMs`: how long the card computes a signature (default 120 ms);
 * - `maxRfWaitMs`: a cap on how long the reader waits for a silent card (default 2000 ms);
 * - `requireGesture`: refuse `requestDevice` outside a user gesture, as Chrome does (default true).
 */
export function installWebUsbFake(givenOptions, givenTarget) {
  'use strict';

  const options = givenOptions ?? {};
  const target = givenTarget ?? globalThis;

  // ---------------------------------------------------------------------------------------------
  // Small byte helpers.

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const utf8 = (text) => new TextEncoder().encode(text);
  const fromBase64 = (text) => {
    const plain = text.replace(/-/g, '+').replace(/_/g, '/');
    const padded = plain + '='.repeat((4 - (plain.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const bigOf = (bytes) => bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const bytesOf = (value, length) => {
    const out = new Uint8Array(length);
    let v = value;
    for (let i = length - 1; i >= 0; i -= 1) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  };
  const modPow = (base, exponent, modulus) => {
    let result = 1n;
    let b = base % modulus;
    let e = exponent;
    while (e > 0n) {
      if (e & 1n) result = (result * b) % modulus;
      b = (b * b) % modulus;
      e >>= 1n;
    }
    return result;
  };
  const randomBytes = (n) => {
    const out = new Uint8Array(n);
    target.crypto?.getRandomValues ? target.crypto.getRandomValues(out) : globalThis.crypto.getRandomValues(out);
    return out;
  };
  const sw = (word) => Uint8Array.of(word >> 8, word & 0xff);
  const after = (ms, fn) => setTimeout(fn, ms);

  // BER-TLV with minimal lengths, or the long form `82 hh ll` when asked (the card's FF 20 header).
  const tlv = (tag, value, { longForm = false } = {}) => {
    const tagBytes = tag > 0xff ? Uint8Array.of(tag >> 8, tag & 0xff) : Uint8Array.of(tag);
    let length;
    if (longForm || value.length > 0xff) length = Uint8Array.of(0x82, value.length >> 8, value.length & 0xff);
    else if (value.length > 0x7f) length = Uint8Array.of(0x81, value.length);
    else length = Uint8Array.of(value.length);
    return concat(tagBytes, length, value);
  };

  const violations = [];
  const trace = [];
  const violate = (what) => violations.push(what);
  const note = (line) => {
    trace.push(line);
    if (trace.length > 400) trace.shift();
  };

  // ---------------------------------------------------------------------------------------------
  // The virtual My Number card: an ISO 7816-4 state machine with the JPKI AP (token, 利用者証明用
  // certificate, auth PIN with 3 tries, the auth key that signs) and the 券面事項入力補助 AP.

  const JPKI_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01);
  const KENHOJO_AID = Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08);
  const PIN_TRIES = 3;

  function makeCard(name, spec) {
    const modulus = bigOf(fromBase64(spec.n));
    const privateExponent = bigOf(fromBase64(spec.d));
    const keyLength = Math.ceil(modulus.toString(16).length / 2);
    // The token is 32 bytes of space-padded ASCII, as the public readers trim it.
    const token = ascii('JPKIAPICCTOKEN2'.padEnd(32, ' '));
    const four = spec.basicFour ?? { name: '試験　花子', address: '東京都千代田区霞が関１－２－２', birthdate: '19800101', sex: '2' };
    const fields = [
      tlv(0xdf22, utf8(four.name)),
      tlv(0xdf23, utf8(four.address)),
      tlv(0xdf24, ascii(four.birthdate)),
      tlv(0xdf25, ascii(four.sex)),
    ];
    // DF 21 holds 2-byte big-endian numbers; here, each field's offset inside the FF 20 value.
    let offset = 3 + 8;
    const offsets = new Uint8Array(8);
    fields.forEach((field, i) => {
      offsets[2 * i] = offset >> 8;
      offsets[2 * i + 1] = offset & 0xff;
      offset += field.length;
    });
    const basicFour = tlv(0xff20, concat(tlv(0xdf21, offsets), ...fields), { longForm: true });
    // EF 0001: FF 10 0C and the 12 digits (public readers take bytes 3..15), padded to the 17 bytes
    // they read.
    const myNumber = concat(Uint8Array.of(0xff, 0x10, 0x0c), ascii(spec.myNumber ?? '123456789018'), Uint8Array.of(0xff, 0xff));

    const aps = new Map([
      [
        'jpki',
        new Map([
          [0x0006, { kind: 'data', bytes: token }],
          [0x000a, { kind: 'data', bytes: fromBase64(spec.certificate) }],
          ...(spec.caCertificate ? [[0x000b, { kind: 'data', bytes: fromBase64(spec.caCertificate) }]] : []),
          [0x0017, { kind: 'key' }],
          [0x0018, { kind: 'pin', pin: 'auth' }],
        ]),
      ],
      [
        'kenhojo',
        new Map([
          [0x0011, { kind: 'pin', pin: 'support' }],
          [0x0001, { kind: 'data', bytes: myNumber, needs: 'support' }],
          [0x0002, { kind: 'data', bytes: basicFour, needs: 'support' }],
        ]),
      ],
    ]);
    const pins = {
      auth: { value: spec.pin ?? '1234', tries: PIN_TRIES },
      support: { value: spec.supportPin ?? spec.pin ?? '1234', tries: PIN_TRIES },
    };
    const blockedStatus = spec.blockedStatus ?? 0x6984;
    // What a power-on resets: the selected AP and EF, and the PINs verified in this session.
    let session = { ap: null, ef: null, verified: new Set() };

    const select = (apdu, data) => {
      const [, , p1, p2] = apdu;
      if (p2 !== 0x0c && p2 !== 0x00) return sw(0x6a86);
      if (p1 === 0x04) {
        const ap = equal(data, JPKI_AID) ? 'jpki' : equal(data, KENHOJO_AID) ? 'kenhojo' : null;
        if (ap === null) return sw(0x6a82);
        // Leaving an AP for another drops the security status gained in it.
        if (session.ap !== ap) session.verified = new Set();
        session.ap = ap;
        session.ef = null;
        return sw(0x9000);
      }
      if (p1 === 0x02) {
        if (data.length !== 2) return sw(0x6700);
        const files = aps.get(session.ap);
        const fid = (data[0] << 8) | data[1];
        if (!files?.has(fid)) return sw(0x6a82);
        session.ef = fid;
        return sw(0x9000);
      }
      return sw(0x6a86);
    };

    const currentFile = () => aps.get(session.ap)?.get(session.ef);

    const readBinary = (apdu, le) => {
      const [, , p1, p2] = apdu;
      if (p1 & 0x80) return sw(0x6a81);
      const file = currentFile();
      if (!file) return sw(0x6986);
      if (file.kind !== 'data') return sw(0x6981);
      if (file.needs && !session.verified.has(file.needs)) return sw(0x6982);
      const from = (p1 << 8) | p2;
      if (from >= file.bytes.length) return sw(0x6b00);
      const part = file.bytes.slice(from, from + le);
      return concat(part, sw(part.length < le ? 0x6282 : 0x9000));
    };

    const verify = (apdu, data) => {
      const [, , p1, p2] = apdu;
      if (p1 !== 0x00 || p2 !== 0x80) return sw(0x6a86);
      const file = currentFile();
      if (file?.kind !== 'pin') return sw(0x6986);
      const pin = pins[file.pin];
      if (pin.tries === 0) return sw(blockedStatus);
      if (data === null) {
        // A VERIFY without data asks for the tries left (63 Cx), or says the PIN is verified.
        return session.verified.has(file.pin) ? sw(0x9000) : sw(0x63c0 | pin.tries);
      }
      if (equal(data, ascii(pin.value))) {
        // Only a success resets the counter; time never does.
        pin.tries = PIN_TRIES;
        session.verified.add(file.pin);
        return sw(0x9000);
      }
      pin.tries -= 1;
      session.verified.delete(file.pin);
      return sw(0x63c0 | pin.tries);
    };

    const sign = (apdu, data) => {
      const [, , p1, p2] = apdu;
      if (p1 !== 0x00 || p2 !== 0x80) return sw(0x6a86);
      if (session.ap !== 'jpki' || session.ef !== 0x0017) return sw(0x6986);
      if (!session.verified.has('auth')) return sw(0x6982);
      if (data.length > keyLength - 11) return sw(0x6700);
      // PKCS#1 v1.5 type 1: 00 01 FF…FF 00 ‖ DigestInfo, then the RSA private operation.
      const block = new Uint8Array(keyLength).fill(0xff);
      block[0] = 0x00;
      block[1] = 0x01;
      block[keyLength - data.length - 1] = 0x00;
      block.set(data, keyLength - data.length);
      const signature = modPow(bigOf(block), privateExponent, modulus);
      return concat(bytesOf(signature, keyLength), sw(0x9000));
    };

    return {
      name,
      pins,
      /** Which step of the sequences a command is, for `removeCardDuring`. */
      step(apdu) {
        return { 0xa4: 'select', 0xb0: 'read', 0x20: 'verify', 0x2a: 'sign' }[apdu[1]] ?? 'other';
      },
      /** Whether the card takes long over a command (it asks for more time first). */
      slow(apdu) {
        return apdu[0] === 0x80 && apdu[1] === 0x2a;
      },
      powerOff() {
        session = { ap: null, ef: null, verified: new Set() };
      },
      /** One C-APDU in, one R-APDU out. */
      process(apdu) {
        if (apdu.length < 4) return sw(0x6700);
        // The APDU cases of ISO 7816-4 with short lengths (this card takes no extended lengths).
        let data = null;
        let le = null;
        if (apdu.length === 5) le = apdu[4] === 0 ? 256 : apdu[4];
        else if (apdu.length > 5) {
          const lc = apdu[4];
          if (lc === 0) return sw(0x6700);
          if (apdu.length === 5 + lc) data = apdu.slice(5);
          else if (apdu.length === 6 + lc) {
            data = apdu.slice(5, 5 + lc);
            le = apdu[5 + lc] === 0 ? 256 : apdu[5 + lc];
          } else return sw(0x6700);
        }
        const [cla, ins] = apdu;
        if (cla === 0x00 && ins === 0xa4) return data ? select(apdu, data) : sw(0x6700);
        if (cla === 0x00 && ins === 0xb0) return le ? readBinary(apdu, le) : sw(0x6700);
        if (cla === 0x00 && ins === 0x20) return verify(apdu, data);
        if (cla === 0x80 && ins === 0x2a) return data ? sign(apdu, data) : sw(0x6700);
        if (cla !== 0x00 && cla !== 0x80) return sw(0x6e00);
        return sw(0x6d00);
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The card's contactless side: ISO 14443-3 Type B activation and ISO 14443-4 (ISO-DEP) blocks.

  // FSDI → FSD (ISO 14443-4 table).
  const FSD = [16, 24, 32, 40, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096];
  // ATQB protocol info: 106 kbit/s only; FSCI 8 (256 bytes) and ISO 14443-4; FWI 8 (≈77 ms), no
  // CID or NAD.
  const FWT_MS = (256 * 16 * 2 ** 8) / 13560;
  const PROTOCOL_INFO = Uint8Array.of(0x00, 0x81, 0x80);

  /** A card in the reader's field, from power-on (a fresh PUPI) to its removal or the field off. */
  function makePicc(card, reader) {
    const pupi = randomBytes(4);
    let state = 'idle';
    let blockNumber = 1;
    let fsd = 256;
    let incoming = [];
    let outgoing = null;
    let lastBlock = null;
    let waiting = null; // { answer, wtxLeft } while the card computes a slow answer

    const iBlock = () => {
      const room = Math.max(1, Math.min(options.frameSize ?? 64, fsd - 3));
      const chunk = outgoing.slice(0, room);
      outgoing = outgoing.slice(room);
      const more = outgoing.length > 0;
      if (!more) outgoing = null;
      lastBlock = concat(Uint8Array.of(0x02 | blockNumber | (more ? 0x10 : 0)), chunk);
      return lastBlock;
    };
    const wtxRequest = () => {
      const multiplier = Math.min(59, Math.ceil((options.signMs ?? 120) / FWT_MS) + 1);
      lastBlock = Uint8Array.of(0xf2, multiplier);
      return lastBlock;
    };
    const answer = (apdu) => {
      if (reader.removalDue(card.step(apdu))) return { reply: null };
      const response = card.process(apdu);
      if (card.slow(apdu) && (options.wtx ?? 1) > 0) {
        waiting = { answer: response, wtxLeft: (options.wtx ?? 1) - 1 };
        return { reply: wtxRequest(), delay: 2 };
      }
      outgoing = response;
      return { reply: iBlock(), delay: card.slow(apdu) ? (options.signMs ?? 120) : 1 };
    };

    const isoDep = (frame) => {
      const pcb = frame[0];
      if (pcb === 0x05 && frame.length === 3) {
        // A REQB may be meant for other cards in the field; this one, ACTIVE, ignores it (it answers
        // REQB again only after the field was off, or after DESELECT and WUPB).
        note('REQB ignored by the card in the ACTIVE state');
        return { reply: null };
      }
      if (pcb & 0x0c) {
        violate(`ISO-DEP block with CID or NAD though the card offers neither: ${hex(frame)}`);
        return { reply: null };
      }
      const inf = frame.slice(1);
      if ((pcb & 0xe2) === 0x02) {
        const number = pcb & 0x01;
        if (number === blockNumber) violate(`I-block whose block number did not toggle: ${hex(frame)}`);
        blockNumber = number;
        if (waiting) violate('I-block while the card waited for the S(WTX) response');
        if (pcb & 0x10) {
          incoming.push(inf);
          lastBlock = Uint8Array.of(0xa2 | blockNumber);
          return { reply: lastBlock, delay: 1 };
        }
        const apdu = concat(...incoming, inf);
        incoming = [];
        return answer(apdu);
      }
      if ((pcb & 0xe6) === 0xa2) {
        const number = pcb & 0x01;
        const nak = (pcb & 0x10) !== 0;
        if (number === blockNumber) return { reply: lastBlock, delay: 1 };
        if (nak) return { reply: Uint8Array.of(0xa2 | blockNumber), delay: 1 };
        blockNumber = number;
        if (!outgoing) {
          violate(`R(ACK) with no chained answer to continue: ${hex(frame)}`);
          return { reply: null };
        }
        return { reply: iBlock(), delay: 1 };
      }
      if (pcb === 0xc2) {
        state = 'halt';
        return { reply: Uint8Array.of(0xc2), delay: 1 };
      }
      if (pcb === 0xf2) {
        if (!waiting) {
          violate(`S(WTX) response when the card asked for none: ${hex(frame)}`);
          return { reply: null };
        }
        if (waiting.wtxLeft > 0) {
          waiting.wtxLeft -= 1;
          return { reply: wtxRequest(), delay: 2 };
        }
        outgoing = waiting.answer;
        waiting = null;
        return { reply: iBlock(), delay: options.signMs ?? 120 };
      }
      violate(`unknown ISO-DEP block: ${hex(frame)}`);
      return { reply: null };
    };

    return {
      get pupi() {
        return pupi;
      },
      /** One RF frame from the reader; the card's answer (or null: silence) and how long it takes. */
      receive(frame) {
        if (state === 'active') return isoDep(frame);
        if (frame[0] === 0x05 && frame.length === 3) {
          // REQB (or WUPB, bit 4 of PARAM, which also wakes a halted card).
          if (state === 'halt' && !(frame[2] & 0x08)) return { reply: null };
          state = 'ready';
          return { reply: concat(Uint8Array.of(0x50), pupi, Uint8Array.of(0, 0, 0, 0), PROTOCOL_INFO), delay: 1 };
        }
        if (frame[0] === 0x1d && frame.length >= 9 && state === 'ready') {
          if (!equal(frame.slice(1, 5), pupi)) return { reply: null };
          if ((frame[7] & 0x0f) !== 0x01) violate(`ATTRIB without ISO 14443-4 in Param 3: ${hex(frame)}`);
          fsd = FSD[frame[6] & 0x0f] ?? 256;
          state = 'active';
          blockNumber = 1;
          return { reply: Uint8Array.of(0x00 | (frame[8] & 0x0f)), delay: 1 };
        }
        if (frame[0] === 0x50 && frame.length === 5 && equal(frame.slice(1), pupi)) {
          state = 'halt';
          return { reply: Uint8Array.of(0x00), delay: 1 };
        }
        violate(`frame the card ignores in state ${state}: ${hex(frame)}`);
        return { reply: null };
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The RC-S380's chip: Port-100 frames over the bulk pipes, and the RF field it drives.

  const ACK = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
  const ERROR_FRAME = Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0xff);
  const TYPE_B_106 = Uint8Array.of(0x03, 0x07, 0x0f, 0x07);
  // The protocol settings' defaults (the InSetProtocol list the public drivers send first).
  const DEFAULT_PROTOCOL = [
    [0x00, 0x18], [0x01, 0x01], [0x02, 0x01], [0x03, 0x00], [0x04, 0x00], [0x05, 0x00], [0x06, 0x00],
    [0x07, 0x08], [0x08, 0x00], [0x09, 0x00], [0x0a, 0x00], [0x0b, 0x00], [0x0c, 0x00], [0x0e, 0x04],
    [0x0f, 0x00], [0x10, 0x00], [0x11, 0x00], [0x12, 0x00], [0x13, 0x06],
  ];

  const port100Frame = (data) => {
    const length = Uint8Array.of(data.length & 0xff, data.length >> 8);
    const lcs = (256 - ((length[0] + length[1]) & 0xff)) & 0xff;
    const dcs = (256 - (data.reduce((s, b) => s + b, 0) & 0xff)) & 0xff;
    return concat(Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0xff), length, Uint8Array.of(lcs), data, Uint8Array.of(dcs, 0x00));
  };

  function makeRcs380(reader, deliver) {
    let commandType = null;
    let field = false;
    let rfSetting = null;
    let protocol = new Map(DEFAULT_PROTOCOL);
    let pending = null;

    const fieldOn = () => {
      if (field) return;
      field = true;
      reader.fieldOn();
    };
    const fieldOff = () => {
      field = false;
      reader.fieldOff();
    };
    const respond = (cmd, data, delay = 1) => {
      pending = after(delay, () => {
        pending = null;
        const frame = port100Frame(concat(Uint8Array.of(0xd7, cmd + 1), data));
        note(`IN  ${hex(frame)}`);
        deliver(frame);
      });
    };
    const refuse = (why, bytes) => {
      violate(`${why}: ${hex(bytes)}`);
      note(`IN  ${hex(ERROR_FRAME)}`);
      deliver(ERROR_FRAME);
    };

    const inCommRf = (cmd, params) => {
      if (params.length < 3) return refuse('InCommRF without a frame', params);
      const timeoutMs = (params[0] | (params[1] << 8)) / 10;
      // A timeout of 0 is taken as "no limit"; the fake caps every wait all the same.
      const limit = timeoutMs || Infinity;
      const wait = Math.min(limit, options.maxRfWaitMs ?? 2000);
      const silent = () => respond(cmd, Uint8Array.of(0x80, 0x00, 0x00, 0x00, 0x00), wait);
      if (commandType !== 1) violate('InCommRF before SetCommandType 01');
      const typeB =
        field &&
        rfSetting !== null &&
        equal(rfSetting, TYPE_B_106) &&
        [0x01, 0x02, 0x09, 0x0a, 0x0b, 0x0c].every((setting) => protocol.get(setting) === 0x01);
      if (!typeB) {
        violate(`InCommRF with the field not set for Type B (field ${field}, InSetRF ${rfSetting && hex(rfSetting)}, ` +
          `CRC/SOF/EOF ${[0x01, 0x02, 0x09, 0x0a, 0x0b, 0x0c].map((s) => protocol.get(s)).join('')})`);
        return silent();
      }
      const picc = reader.picc();
      if (!picc) return silent();
      const { reply, delay = 1 } = picc.receive(params.slice(2));
      if (!reply || !reader.picc() || delay > limit) return silent();
      respond(cmd, concat(Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x00), reply), delay);
    };

    return {
      out(bytes) {
        note(`OUT ${hex(bytes)}`);
        if (equal(bytes, ACK)) {
          // An ACK from the host cancels the command in progress.
          if (pending !== null) clearTimeout(pending);
          pending = null;
          return;
        }
        if (bytes.length < 10 || !equal(bytes.slice(0, 5), Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0xff))) {
          return refuse('not a Port-100 command frame', bytes);
        }
        const length = bytes[5] | (bytes[6] << 8);
        if (((bytes[5] + bytes[6] + bytes[7]) & 0xff) !== 0) return refuse('bad LCS', bytes);
        if (bytes.length !== 10 + length) return refuse('frame length disagrees with LEN', bytes);
        const data = bytes.slice(8, 8 + length);
        if (((data.reduce((s, b) => s + b, 0) + bytes[8 + length]) & 0xff) !== 0) return refuse('bad DCS', bytes);
        if (bytes[9 + length] !== 0x00) return refuse('no postamble', bytes);
        if (data[0] !== 0xd6 || data.length < 2) return refuse('not a command (D6)', bytes);
        if (pending !== null) violate(`command while another was in progress: ${hex(bytes)}`);
        const cmd = data[1];
        const params = data.slice(2);
        const known = [0x00, 0x02, 0x04, 0x06, 0x20, 0x22, 0x2a];
        if (!known.includes(cmd)) return refuse('a command this fake does not know', bytes);
        note(`IN  ${hex(ACK)}`);
        deliver(ACK);
        switch (cmd) {
          case 0x2a: // SetCommandType
            commandType = params[0];
            return respond(cmd, Uint8Array.of(0x00));
          case 0x06: // SwitchRF
            if (params[0] === 0x00) fieldOff();
            else fieldOn();
            return respond(cmd, Uint8Array.of(0x00));
          case 0x00: // InSetRF
            if (params.length !== 4) return respond(cmd, Uint8Array.of(0x01));
            rfSetting = params;
            fieldOn();
            return respond(cmd, Uint8Array.of(0x00));
          case 0x02: // InSetProtocol
            if (params.length % 2 !== 0) return respond(cmd, Uint8Array.of(0x01));
            for (let i = 0; i < params.length; i += 2) protocol.set(params[i], params[i + 1]);
            return respond(cmd, Uint8Array.of(0x00));
          case 0x04:
            return inCommRf(cmd, params);
          case 0x20: // GetFirmwareVersion: 1.11
            return respond(cmd, Uint8Array.of(0x11, 0x01));
          default: // 0x22 GetPDDataVersion: 1.00
            return respond(cmd, Uint8Array.of(0x00, 0x01));
        }
      },
      /** A USB reset or power loss: the chip forgets its settings and turns the field off. */
      reset() {
        if (pending !== null) clearTimeout(pending);
        pending = null;
        commandType = null;
        rfSetting = null;
        protocol = new Map(DEFAULT_PROTOCOL);
        fieldOff();
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The reader's slot: which card lies on it, and whether it is powered by the field.

  const cards = new Map(Object.entries(options.cards ?? {}).map(([name, spec]) => [name, makeCard(name, spec)]));
  const slot = {
    card: null,
    field: false,
    current: null, // the powered card's contactless side
    removeDuring: null,
    fieldOn() {
      this.field = true;
      if (this.card && !this.current) this.current = makePicc(this.card, this);
    },
    fieldOff() {
      this.field = false;
      this.card?.powerOff();
      this.current = null;
    },
    picc() {
      return this.current;
    },
    /** Whether the test asked to take the card away at this step; takes it away if so. */
    removalDue(step) {
      if (this.removeDuring !== step) return false;
      this.removeDuring = null;
      control.removeCard();
      return true;
    },
  };

  // ---------------------------------------------------------------------------------------------
  // WebUSB objects. Where Chrome's interfaces exist, the fakes take their prototypes, so that
  // `instanceof USBDevice` holds; every member is an own property, which shadows the native accessors.

  const branded = (object, name) => {
    const proto = target[name]?.prototype;
    if (proto) Object.setPrototypeOf(object, proto);
    return object;
  };
  const domError = (name, message) => new DOMException(message, name);
  const Messages = {
    disconnected: 'The device was disconnected.',
    openFirst: 'The device must be opened first.',
    noConfiguration: 'The device must have a configuration selected.',
    interfaceNotFound: 'The interface number provided is not supported by the device in its current configuration.',
    endpointNotClaimed: 'The specified endpoint is not part of a claimed and selected alternate interface.',
    protectedClass: 'The requested interface implements a protected class.',
    noDevice: 'No device selected.',
    gesture: 'Must be handling a user gesture to show a permission request.',
    accessDenied: 'Access denied.',
    cancelled: 'The transfer was cancelled.',
  };

  const endpoint = (endpointNumber, direction, type, packetSize = 64) =>
    branded({ endpointNumber, direction, type, packetSize }, 'USBEndpoint');
  const alternate = (interfaceClass, endpoints, interfaceName = null) =>
    branded(
      { alternateSetting: 0, interfaceClass, interfaceSubclass: 0, interfaceProtocol: 0, interfaceName, endpoints },
      'USBAlternateInterface',
    );

  const MODELS = {
    // Sony RC-S380/S: one vendor-class interface with a bulk pair (EP 2 OUT, EP 1 IN).
    rcs380: {
      vendorId: 0x054c,
      productId: 0x06c1,
      deviceClass: 0xff,
      manufacturerName: 'SONY',
      productName: 'RC-S380/S',
      interfaceClass: 0xff,
      endpoints: () => [endpoint(2, 'out', 'bulk'), endpoint(1, 'in', 'bulk')],
    },
    // Identiv uTrust 3700 F: a smart-card class (CCID) interface only.
    ccid: {
      vendorId: 0x04e6,
      productId: 0x5790,
      deviceClass: 0x00,
      manufacturerName: 'Identiv',
      productName: 'uTrust 3700 F CL Reader',
      interfaceClass: 0x0b,
      endpoints: () => [endpoint(1, 'out', 'bulk'), endpoint(2, 'in', 'bulk'), endpoint(3, 'in', 'interrupt', 16)],
    },
  };
  const PROTECTED_CLASSES = [0x01, 0x03, 0x08, 0x0b, 0x0e, 0x10, 0xe0];

  let serial = 0;
  function makeDevice(kind) {
    const model = MODELS[kind];
    if (!model) throw new Error(`unknown reader kind ${kind}`);
    serial += 1;
    const iface = branded(
      {
        interfaceNumber: 0,
        alternate: null,
        alternates: [alternate(model.interfaceClass, model.endpoints())],
        claimed: false,
      },
      'USBInterface',
    );
    iface.alternate = iface.alternates[0];
    const configuration = branded(
      { configurationValue: 1, configurationName: null, interfaces: [iface] },
      'USBConfiguration',
    );
    const state = {
      kind,
      plugged: true,
      opened: false,
      configured: false,
      inbox: [],
      readers: [],
    };
    const chip = kind === 'rcs380' ? makeRcs380(slot, (bytes) => push(bytes)) : null;
    const push = (bytes) => {
      state.inbox.push(bytes);
      flush();
    };
    const deliverIn = (length, bytes) => {
      // A bulk IN transfer ends at a short packet or when `length` is reached on a packet boundary;
      // reaching it inside a packet is an overflow (babble).
      if (bytes.length <= length) return { status: 'ok', data: bytes, rest: null };
      if (length % 64 !== 0) {
        violate(`transferIn of ${length} bytes overflowed by a ${bytes.length}-byte answer`);
        return { status: 'babble', data: bytes.slice(0, length), rest: null };
      }
      return { status: 'ok', data: bytes.slice(0, length), rest: bytes.slice(length) };
    };
    const flush = () => {
      while (state.inbox.length > 0 && state.readers.length > 0) {
        const { length, resolve } = state.readers.shift();
        const { status, data, rest } = deliverIn(length, state.inbox.shift());
        if (rest) state.inbox.unshift(rest);
        resolve(inResult(status, data));
      }
    };
    const inResult = (status, bytes) => {
      const view = new DataView(bytes.slice().buffer);
      const Native = target.USBInTransferResult;
      return Native ? new Native(status, view) : { status, data: view };
    };
    const outResult = (bytesWritten) => {
      const Native = target.USBOutTransferResult;
      return Native ? new Native('ok', bytesWritten) : { status: 'ok', bytesWritten };
    };
    const copy = (data) => {
      if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
      throw new TypeError("Failed to execute 'transferOut' on 'USBDevice': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
    };
    const ready = () => {
      if (!state.plugged) throw domError('NotFoundError', Messages.disconnected);
      if (!state.opened) throw domError('InvalidStateError', Messages.openFirst);
    };
    const claimedEndpoint = (number, direction) => {
      ready();
      if (!state.configured) throw domError('InvalidStateError', Messages.noConfiguration);
      const found = iface.claimed && iface.alternate.endpoints.find((e) => e.endpointNumber === number && e.direction === direction);
      if (!found) throw domError('NotFoundError', Messages.endpointNotClaimed);
      return found;
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    const dropReaders = (error) => {
      for (const { reject } of state.readers.splice(0)) reject(error);
    };

    const device = branded(
      {
        usbVersionMajor: 2,
        usbVersionMinor: 0,
        usbVersionSubminor: 0,
        deviceClass: model.deviceClass,
        deviceSubclass: 0,
        deviceProtocol: 0,
        vendorId: model.vendorId,
        productId: model.productId,
        deviceVersionMajor: 1,
        deviceVersionMinor: 0,
        deviceVersionSubminor: 0,
        manufacturerName: model.manufacturerName,
        productName: model.productName,
        serialNumber: `FAKE${String(serial).padStart(4, '0')}`,
        configurations: [configuration],
        get configuration() {
          return state.configured ? configuration : null;
        },
        get opened() {
          return state.opened;
        },
        async open() {
          await settle();
          if (!state.plugged) throw domError('NotFoundError', Messages.disconnected);
          if (control.openRefusal) throw domError('SecurityError', control.openRefusal);
          state.opened = true;
        },
        async close() {
          await settle();
          if (!state.plugged) throw domError('NotFoundError', Messages.disconnected);
          iface.claimed = false;
          state.opened = false;
          dropReaders(domError('AbortError', Messages.cancelled));
        },
        async forget() {
          await settle();
          state.opened = false;
          granted.delete(device);
        },
        async selectConfiguration(value) {
          await settle();
          ready();
          if (value !== 1) throw domError('NotFoundError', 'The configuration value provided is not supported by the device.');
          state.configured = true;
        },
        async claimInterface(number) {
          await settle();
          ready();
          control.calls.claimInterface.push(number);
          if (!state.configured) throw domError('InvalidStateError', Messages.noConfiguration);
          if (number !== 0) throw domError('NotFoundError', Messages.interfaceNotFound);
          if (iface.alternates.some((a) => PROTECTED_CLASSES.includes(a.interfaceClass))) {
            throw domError('SecurityError', Messages.protectedClass);
          }
          iface.claimed = true;
        },
        async releaseInterface(number) {
          await settle();
          ready();
          if (number !== 0) throw domError('NotFoundError', Messages.interfaceNotFound);
          iface.claimed = false;
          dropReaders(domError('AbortError', Messages.cancelled));
        },
        async selectAlternateInterface(number, setting) {
          await settle();
          ready();
          if (number !== 0 || setting !== 0) {
            throw domError('NotFoundError', 'The alternate setting provided is not supported by the device in its current configuration.');
          }
        },
        async reset() {
          await settle();
          ready();
          dropReaders(domError('AbortError', Messages.cancelled));
          state.inbox = [];
          chip?.reset();
        },
        async clearHalt(direction, number) {
          await settle();
          claimedEndpoint(number, direction);
        },
        async transferOut(number, data) {
          const bytes = copy(data);
          claimedEndpoint(number, 'out');
          await settle();
          if (!state.plugged) throw domError('NotFoundError', Messages.disconnected);
          chip.out(bytes);
          return outResult(bytes.length);
        },
        transferIn(number, length) {
          try {
            claimedEndpoint(number, 'in');
          } catch (error) {
            return Promise.reject(error);
          }
          return new Promise((resolve, reject) => {
            state.readers.push({ length, resolve, reject });
            flush();
          });
        },
        async controlTransferIn() {
          await settle();
          ready();
          violate('a control transfer, which these readers do not need');
          return inResult('stall', new Uint8Array(0));
        },
        async controlTransferOut() {
          await settle();
          ready();
          violate('a control transfer, which these readers do not need');
          return outResult(0);
        },
      },
      'USBDevice',
    );
    return {
      device,
      kind,
      unplug() {
        state.plugged = false;
        state.opened = false;
        iface.claimed = false;
        dropReaders(domError('NotFoundError', Messages.disconnected));
        chip?.reset();
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // navigator.usb: the chooser (filters honoured), granted devices and connection events.

  let plugged = (options.devices ?? ['rcs380']).map(makeDevice);
  const granted = new Set();
  const usb = branded(new EventTarget(), 'USB');
  // Own data properties, so that setting them does not reach the native accessors.
  Object.defineProperty(usb, 'onconnect', { value: null, writable: true, enumerable: true });
  Object.defineProperty(usb, 'ondisconnect', { value: null, writable: true, enumerable: true });
  const announce = (type, device) => {
    const event = new Event(type);
    Object.defineProperty(event, 'device', { value: device });
    usb.dispatchEvent(event);
    const handler = type === 'connect' ? usb.onconnect : usb.ondisconnect;
    if (typeof handler === 'function') handler.call(usb, event);
  };

  const matches = (device, filter) => {
    if (filter.vendorId !== undefined && filter.vendorId !== device.vendorId) return false;
    if (filter.productId !== undefined && filter.productId !== device.productId) return false;
    if (filter.serialNumber !== undefined && filter.serialNumber !== device.serialNumber) return false;
    if (filter.classCode === undefined) return true;
    // A class filter matches the device's class or any interface's (with sub-class and protocol).
    const triples = [[device.deviceClass, device.deviceSubclass, device.deviceProtocol]];
    for (const configuration of device.configurations) {
      for (const i of configuration.interfaces) {
        for (const a of i.alternates) triples.push([a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol]);
      }
    }
    return triples.some(
      ([c, s, p]) =>
        c === filter.classCode &&
        (filter.subclassCode === undefined || s === filter.subclassCode) &&
        (filter.protocolCode === undefined || p === filter.protocolCode),
    );
  };

  Object.defineProperty(usb, 'requestDevice', {
    enumerable: true,
    value: async function requestDevice(request) {
      control.calls.requestDevice += 1;
      if (!request || !Array.isArray(request.filters)) {
        throw new TypeError("Failed to execute 'requestDevice' on 'USB': Required member is undefined.");
      }
      for (const filter of request.filters) {
        if (filter.productId !== undefined && filter.vendorId === undefined) {
          throw new TypeError("Failed to execute 'requestDevice' on 'USB': A filter containing a productId must also contain a vendorId.");
        }
        if (filter.subclassCode !== undefined && filter.classCode === undefined) {
          throw new TypeError("Failed to execute 'requestDevice' on 'USB': A filter containing a subclassCode must also contain a classCode.");
        }
      }
      control.lastFilters = request.filters.map((f) => ({ ...f }));
      if ((options.requireGesture ?? true) && target.navigator?.userActivation?.isActive === false) {
        throw domError('SecurityError', Messages.gesture);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      const exclusions = request.exclusionFilters ?? [];
      const offered = plugged.filter(
        ({ device }) =>
          (request.filters.length === 0 || request.filters.some((f) => matches(device, f))) &&
          !exclusions.some((f) => matches(device, f)),
      );
      control.offered = offered.map(({ kind }) => kind);
      if (control.chooser === 'cancel' || offered.length === 0) throw domError('NotFoundError', Messages.noDevice);
      granted.add(offered[0].device);
      return offered[0].device;
    },
  });
  Object.defineProperty(usb, 'getDevices', {
    enumerable: true,
    value: async function getDevices() {
      return plugged.filter(({ device }) => granted.has(device)).map(({ device }) => device);
    },
  });

  // ---------------------------------------------------------------------------------------------
  // The test's handle.

  const control = {
    violations,
    trace,
    chooser: options.chooser ?? 'select',
    openRefusal: null,
    lastFilters: null,
    offered: null,
    calls: { requestDevice: 0, claimInterface: [] },
    /** Lays the card `name` (default: the first configured) on the reader. */
    placeCard(name = cards.keys().next().value) {
      const card = cards.get(name);
      if (!card) throw new Error(`no card ${name}`);
      this.removeCard();
      slot.card = card;
      if (slot.field) slot.current = makePicc(card, slot);
    },
    /** Takes the card off the reader (it loses power and its session). */
    removeCard() {
      slot.card?.powerOff();
      slot.card = null;
      slot.current = null;
    },
    /** Takes the card away when it receives a command of this step: select, read, verify or sign. */
    removeCardDuring(step) {
      slot.removeDuring = step;
    },
    hasCard() {
      return slot.card !== null;
    },
    /** The tries left of the card's auth PIN (JPKI EF 0018) and of its 入力補助 PIN. */
    triesLeft(name = cards.keys().next().value) {
      const card = cards.get(name);
      return { auth: card.pins.auth.tries, support: card.pins.support.tries };
    },
    /** The user cancels the chooser (`'cancel'`) or picks the first matching reader (`'select'`). */
    setChooser(mode) {
      this.chooser = mode;
    },
    /** `open()` fails with SecurityError, as when another program holds the device. */
    refuseOpen(message = Messages.accessDenied) {
      this.openRefusal = message;
    },
    /** Pulls every reader out: transfers fail, `disconnect` fires. */
    unplug() {
      const gone = plugged;
      plugged = [];
      slot.fieldOff();
      for (const entry of gone) {
        entry.unplug();
        announce('disconnect', entry.device);
      }
    },
    /** Plugs a reader of this kind in (a new device object, as after a real re-plug). */
    plugIn(kind = 'rcs380') {
      const entry = makeDevice(kind);
      plugged.push(entry);
      announce('connect', entry.device);
    },
  };

  Object.defineProperty(target.navigator, 'usb', { value: usb, configurable: true, enumerable: true });
  target.__onshiUsb = control;
  return control;
}

/**
 * The test's side of the fake in a Playwright page: installs it in every page of `context` and
 * drives it (`window.__onshiUsb`) by `page.evaluate`.
 */
export class FakeUsb {
  /** Installs the fake with `options` (see `installWebUsbFake`) in every page the context opens. */
  static async install(context, options) {
    await context.addInitScript(installWebUsbFake, options);
  }

  constructor(page) {
    this.page = page;
  }

  #call(method, ...args) {
    return this.page.evaluate(([m, a]) => window.__onshiUsb[m](...a), [method, args]);
  }

  placeCard(name) {
    return this.#call('placeCard', ...(name === undefined ? [] : [name]));
  }

  removeCard() {
    return this.#call('removeCard');
  }

  /** Takes the card away when it receives a command of `step` (select, read, verify or sign). */
  removeCardDuring(step) {
    return this.#call('removeCardDuring', step);
  }

  hasCard() {
    return this.#call('hasCard');
  }

  triesLeft(name) {
    return this.#call('triesLeft', ...(name === undefined ? [] : [name]));
  }

  setChooser(mode) {
    return this.#call('setChooser', mode);
  }

  unplug() {
    return this.#call('unplug');
  }

  /** What the fake saw the app do wrong, what it offered, and how often it was asked. */
  record() {
    return this.page.evaluate(() => {
      const c = window.__onshiUsb;
      return { violations: [...c.violations], calls: { ...c.calls }, lastFilters: c.lastFilters, offered: c.offered };
    });
  }

  /** The last frames on the bulk pipes, for a failing test's message. */
  trace() {
    return this.page.evaluate(() => window.__onshiUsb.trace.slice(-40).join('\n'));
  }
}
