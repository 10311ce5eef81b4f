// HTTPS for the other PCs of a clinic, proved with real trust: a test CA made with openssl, trusted
// by Chromium through an NSS database in a throwaway HOME (as README's clinic steps do with
// certutil), a certificate for the terminal's name `onshi.test`, and `onshi-server --tls-cert
// --tls-key --host-name onshi.test`. Chromium resolves onshi.test to 127.0.0.1 by a resolver rule
// and must treat the page as a secure context — WebUSB, WebCrypto's subtle and the sign-in form
// there — with no certificate error ignored. A browser without the CA refuses the same page; the
// same server refuses a foreign Host with 421.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, newContext, screenshot } from './support/browser.mjs';
import { startServer } from './support/server.mjs';
import { SignInPage } from './pages/sign_in.mjs';

const NAME = 'onshi.test';
const work = mkdtempSync(path.join(tmpdir(), 'onshi-https-'));
const files = {
  caKey: path.join(work, 'ca.key'),
  ca: path.join(work, 'ca.pem'),
  key: path.join(work, 'server.key'),
  csr: path.join(work, 'server.csr'),
  cert: path.join(work, 'server.pem'),
  ext: path.join(work, 'server.ext'),
};
const trustingHome = path.join(work, 'home-trusting');
const strangerHome = path.join(work, 'home-stranger');

function run(command, args) {
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The README's openssl steps, for the test name: a CA, then a server certificate it signs. */
function makeCertificates() {
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.caKey, '-out', files.ca,
    '-days', '30', '-subj', '/CN=Onshi test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-out', files.csr, '-subj', `/CN=${NAME}`]);
  writeFileSync(files.ext, [
    `subjectAltName=DNS:${NAME}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  run('openssl', ['x509', '-req', '-in', files.csr, '-CA', files.ca, '-CAkey', files.caKey, '-CAcreateserial',
    '-out', files.cert, '-days', '30', '-sha256', '-extfile', files.ext]);
}

/** An NSS database at HOME/.pki/nssdb, where Chromium on Linux looks; trusting the CA when asked. */
function makeHome(home, { trustCa }) {
  const db = path.join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  run('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  if (trustCa) run('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'onshi-test-ca', '-i', files.ca]);
}

/** Chromium with this HOME, resolving onshi.test to loopback. */
function browserWith(home) {
  return launch({
    env: { ...process.env, HOME: home },
    args: [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`],
  });
}

let server;
let port;
let trusting;
let stranger;

before(async () => {
  makeCertificates();
  makeHome(trustingHome, { trustCa: true });
  makeHome(strangerHome, { trustCa: false });
  server = await startServer({
    extraArgs: ['--training', '--tls-cert', files.cert, '--tls-key', files.key, '--host-name', NAME],
  });
  port = new URL(server.url).port;
  trusting = await browserWith(trustingHome);
  stranger = await browserWith(strangerHome);
});

after(async () => {
  await trusting?.close();
  await stranger?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the server says it serves HTTPS', () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('a PC trusting the clinic CA opens the app on the terminal name in a secure context', async () => {
  const { context, problems } = await newContext(trusting);
  const page = await context.newPage();
  const origin = `https://${NAME}:${port}`;
  const response = await page.goto(`${origin}/`);
  assert.equal(response.status(), 200);
  const facts = await page.evaluate(() => ({
    secure: window.isSecureContext,
    usb: 'usb' in navigator,
    subtle: typeof crypto.subtle?.digest === 'function',
    origin: location.origin,
  }));
  assert.deepEqual(facts, { secure: true, usb: true, subtle: true, origin });
  // The certificate is the one the server was given, and nothing was ignored to accept it.
  const security = await response.securityDetails();
  assert.equal(security?.subjectName, NAME);
  assert.equal(security?.issuer, 'Onshi test CA');
  const signIn = new SignInPage(page, origin);
  await signIn.goto();
  assert.equal(await signIn.userId.isVisible(), true);
  assert.equal(await signIn.password.isVisible(), true);
  assert.equal(await signIn.submitButton.isVisible(), true);
  await screenshot(page, 'https-sign-in');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a PC without the CA refuses the certificate', async () => {
  const { context } = await newContext(stranger);
  const page = await context.newPage();
  await assert.rejects(page.goto(`https://${NAME}:${port}/`), /ERR_CERT_AUTHORITY_INVALID/);
  await context.close();
});

/** One request over TLS trusting the test CA, naming `host` in Host. */
function requestNaming(host, pathname) {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        servername: NAME,
        ca: readFileSync(files.ca),
        headers: { Host: host },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, type: response.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

test('the same server refuses a foreign Host with 421 and answers its own name', async () => {
  for (const pathname of ['/', '/onshi/v1/capabilities']) {
    const refused = await requestNaming('evil.example', pathname);
    assert.equal(refused.status, 421, pathname);
    assert.equal(refused.type, 'application/problem+json');
    assert.equal(JSON.parse(refused.body).code, 'misdirected_request');
    const answered = await requestNaming(`${NAME}:${port}`, pathname);
    assert.equal(answered.status, 200, pathname);
  }
});
