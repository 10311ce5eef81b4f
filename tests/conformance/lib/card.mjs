// A My Number card for the card group's clauses, in software: a 利用者証明用 certificate (DER) and its
// RSA key (PKCS#1 DER), signing the way the card does (docs/card-reader.md §3). The terminal hands
// the card the SHA-256 DigestInfo of the message; the card pads it (PKCS#1 v1.5, type 1) and applies
// its private key. Node's privateEncrypt with RSA_PKCS1_PADDING is exactly that operation, so the
// DigestInfo here is written out from the research's bytes and never taken from the project's code.
import { constants, createHash, createPrivateKey, privateEncrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The DER header of a SHA-256 DigestInfo (docs/card-reader.md §3), followed by the 32-byte hash. */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

const TEST_PKI = new URL('../../../crates/onshi-core/testpki/', import.meta.url);

/**
 * The repository's committed test PKI (scripts/gen-test-pki): 新橋 太郎's card, which a training endpoint
 * of the reference implementation trusts, and a card of a CA nobody trusts ("Onshi Rogue CA").
 */
export const TEST_CARD_FILES = Object.freeze({
  certificate: fileURLToPath(new URL('shinbashi-taro.crt.der', TEST_PKI)),
  key: fileURLToPath(new URL('shinbashi-taro.key.der', TEST_PKI)),
});
export const UNTRUSTED_CARD_FILES = Object.freeze({
  certificate: fileURLToPath(new URL('rogue.crt.der', TEST_PKI)),
  key: fileURLToPath(new URL('rogue.key.der', TEST_PKI)),
});

/** Reads a card from its files: `{certificate, key}` paths to DER files (the key in PKCS#1). */
export function loadCard({ certificate, key }) {
  let certificateDer;
  let keyObject;
  try {
    certificateDer = readFileSync(certificate);
  } catch (e) {
    throw new Error(`the card's certificate ${certificate} cannot be read (${e.code ?? e.message})`);
  }
  try {
    keyObject = createPrivateKey({ key: readFileSync(key), format: 'der', type: 'pkcs1' });
  } catch (e) {
    throw new Error(`the card's key ${key} is not a PKCS#1 DER RSA key (${e.code ?? e.message})`);
  }
  return { certificate: certificateDer, key: keyObject, files: { certificate, key } };
}

/** The SHA-256 DigestInfo of `message`: what the terminal gives the card to sign. */
export function digestInfo(message) {
  return Buffer.concat([SHA256_DIGEST_INFO_PREFIX, createHash('sha256').update(message).digest()]);
}

/** The card's signature of `message` (a Buffer). */
export function signLikeACard(card, message) {
  return privateEncrypt({ key: card.key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(message));
}
