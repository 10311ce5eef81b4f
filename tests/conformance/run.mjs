#!/usr/bin/env node
// The conformance suite: runs every clause of contract/clauses.tsv against an endpoint.
//
//   node tests/conformance/run.mjs --base-url http://127.0.0.1:PORT [--json results.json]
//        [--only clause-prefix]... [--account ROLE=ID:PASSWORD]... [--patient I:S:N:B:YYYYMMDD]
//        [--bulk-timeout SECONDS] [--card-certificate FILE --card-key FILE]
//
// See tests/conformance/README.md. Exits 1 when any clause fails, 2 on a usage error.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAccount, parsePatient } from './lib/credentials.mjs';
import { runSuite } from './lib/runner.mjs';

const USAGE = `usage: node tests/conformance/run.mjs --base-url URL [--json FILE] [--only PREFIX]...
       [--account ROLE=ID:PASSWORD]... [--patient INSURER:SYMBOL:NUMBER:BRANCH:YYYYMMDD] [--bulk-timeout SECONDS]
       [--card-certificate FILE --card-key FILE]
roles: general, medical_viewer, admin, master, system (also ONSHI_ACCOUNT_<ROLE>=ID:PASSWORD)
card: a test My Number card the endpoint trusts, DER files, the key in PKCS#1 (also ONSHI_CARD_CERTIFICATE,
      ONSHI_CARD_KEY); a training endpoint defaults to the repository's test PKI`;

function usage(message) {
  if (message) console.error(`run.mjs: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string', multiple: true, default: [] },
      account: { type: 'string', multiple: true, default: [] },
      patient: { type: 'string' },
      'bulk-timeout': { type: 'string', default: '120' },
      'card-certificate': { type: 'string' },
      'card-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  usage(e.message);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const baseUrl = options['base-url'] ?? process.env.ONSHI_BASE_URL;
if (!baseUrl) usage('--base-url is required');
let accounts;
let patient;
try {
  accounts = Object.fromEntries(options.account.map(parseAccount));
  const patientSpec = options.patient ?? process.env.ONSHI_PATIENT;
  patient = patientSpec ? parsePatient(patientSpec) : undefined;
} catch (e) {
  usage(e.message);
}
const cardCertificate = options['card-certificate'] ?? process.env.ONSHI_CARD_CERTIFICATE;
const cardKey = options['card-key'] ?? process.env.ONSHI_CARD_KEY;
if (Boolean(cardCertificate) !== Boolean(cardKey)) usage('--card-certificate and --card-key go together');
const card = cardCertificate ? { certificate: cardCertificate, key: cardKey } : undefined;
const bulkTimeout = Number(options['bulk-timeout']);
if (!Number.isFinite(bulkTimeout) || bulkTimeout < 0) usage('--bulk-timeout must be a number of seconds');

const results = await runSuite({
  baseUrl,
  only: options.only.flatMap((o) => o.split(',')).filter(Boolean),
  accounts,
  patient,
  card,
  bulkTimeoutMs: bulkTimeout * 1000,
  report: (line) => console.log(line),
});

if (results.failed.length) {
  console.log('\nfailed:');
  for (const { id, reason } of results.failed) console.log(`  ${id}: ${reason}`);
}
if (results.skipped.length) {
  console.log('\nskipped (not counted as passed):');
  for (const { id, reason } of results.skipped) console.log(`  ${id}: ${reason}`);
}
for (const id of results.unknownImplementations) console.error(`warning: the suite implements ${id}, which clauses.tsv does not list`);
console.log(`\n${results.skipped.length} skipped`);
console.log(`${results.passed.length} passed, ${results.failed.length} failed`);
if (options.json) {
  const { passed, failed, skipped } = results;
  writeFileSync(options.json, `${JSON.stringify({ passed, failed, skipped }, null, 2)}\n`);
}
process.exit(results.failed.length ? 1 : 0);
