// The project's test PKI (crates/onshi-core/testpki/, made by scripts/gen-test-pki) as the WebUSB
// fake's virtual cards want it: the 利用者証明用 certificate in base64 and the RSA key's n and d.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server.mjs';

const testpki = path.join(repoRoot, 'crates/onshi-core/testpki');

/** The certificate (DER) of `name` (a canned person's id, `expired` or `rogue`). */
export function certificateDer(name) {
  return readFileSync(path.join(testpki, `${name}.crt.der`));
}

/**
 * A card for `installWebUsbFake`'s `cards`: the certificate `certificate` (default: the person's own)
 * with the key of `person`, PIN 1234 unless told otherwise.
 */
export function virtualCard(person, { certificate = person, pin = '1234', ...rest } = {}) {
  const key = createPrivateKey({ key: readFileSync(path.join(testpki, `${person}.key.der`)), format: 'der', type: 'pkcs1' });
  const { n, d } = key.export({ format: 'jwk' });
  return { certificate: certificateDer(certificate).toString('base64'), n, d, pin, ...rest };
}
