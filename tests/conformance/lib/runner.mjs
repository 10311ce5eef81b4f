// Runs the clauses of contract/clauses.tsv against an endpoint: capabilities first, then every clause
// whose operation's group the endpoint advertises. A clause passes, fails (with a reason) or is skipped
// (with a reason); a skipped clause is never counted as passed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clauses as implementations } from '../clauses/index.mjs';
import { loadContract } from './contract.mjs';
import { Context, Skip } from './context.mjs';
import { resolveAccounts } from './credentials.mjs';
import { Client } from './http.mjs';
import { TEST_CARD_FILES, UNTRUSTED_CARD_FILES } from './card.mjs';
import { TRAINING_TARO } from './messages.mjs';

export const CLAUSES_PATH = fileURLToPath(new URL('../../../contract/clauses.tsv', import.meta.url));

/** The committed clauses: [{ id, operationId, text }]. */
export function loadClauses(path = CLAUSES_PATH) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [id, operationId, text] = line.split('\t');
      return { id, operationId, text };
    });
}

function oneLine(text) {
  return String(text).replace(/\s*\n\s*/g, ' | ').trim();
}

/**
 * Runs the suite. `only` is a list of clause-id prefixes; `accounts` the accounts given on the command
 * line ({ role: { user, password } }); `patient` a card the endpoint knows (optional on a training
 * endpoint); `card` the files of a test My Number card the endpoint trusts ({certificate, key}, DER;
 * the repository's test PKI by default on a training endpoint). `report(line)` receives one line per clause as it finishes.
 */
export async function runSuite({
  baseUrl,
  only = [],
  accounts = {},
  patient,
  card,
  env = process.env,
  bulkTimeoutMs = 120_000,
  report = () => {},
  warn = (line) => console.error(`warning: ${line}`),
  contract = loadContract(),
  clauses = loadClauses(),
}) {
  const results = { passed: [], failed: [], skipped: [] };
  const record = (id, outcome, reason) => {
    if (outcome === 'ok') {
      results.passed.push(id);
      report(`ok   ${id}`);
    } else if (outcome === 'fail') {
      results.failed.push({ id, reason: oneLine(reason) });
      report(`FAIL ${id}: ${oneLine(reason)}`);
    } else {
      results.skipped.push({ id, reason: oneLine(reason) });
      report(`skip ${id}: ${oneLine(reason)}`);
    }
  };

  let ctx;
  const client = new Client({
    baseUrl,
    contract,
    onViolation: (violations) => ctx?.current?.violations.push(...violations),
  });

  // The capabilities decide which clauses run.
  let capabilities;
  let capabilitiesError;
  try {
    const answer = await client.request('GET', '/capabilities');
    if (answer.status === 200 && Array.isArray(answer.json?.groups)) capabilities = answer.json;
    else capabilitiesError = `GET /capabilities answered ${answer.describe()}`;
  } catch (e) {
    capabilitiesError = e.message;
  }
  ctx = new Context({
    client,
    contract,
    capabilities,
    accounts: resolveAccounts({ training: capabilities?.training === true, flags: accounts, env }),
    patient,
    options: {
      bulkTimeoutMs,
      trainingPatient: TRAINING_TARO,
      card: card ?? (capabilities?.training === true ? TEST_CARD_FILES : undefined),
      untrustedCard: UNTRUSTED_CARD_FILES,
    },
  });

  const selected = clauses.filter((c) => only.length === 0 || only.some((prefix) => c.id.startsWith(prefix)));

  // A training endpoint's clock may have been moved by an earlier run or by other tests: read it and set
  // it explicitly (forward only) before clauses build dates from it.
  if (ctx.clockSettable && selected.some((c) => c.id !== 'capabilities.shape')) {
    try {
      ctx.begin('(clock)');
      await ctx.syncClock();
    } catch (e) {
      warn(`could not set the training clock before the clauses: ${e.message}`);
    }
  }
  for (const clause of selected) {
    const { id, operationId } = clause;
    const implementation = implementations[id];
    const group = contract.groupOf(operationId);
    if (!implementation) {
      record(id, 'fail', 'the suite has no implementation of this clause');
      continue;
    }
    if (!group) {
      record(id, 'fail', `operation ${operationId} is not in openapi.yaml`);
      continue;
    }
    if (!capabilities && id !== 'capabilities.shape') {
      record(id, 'fail', `the capabilities could not be read (${capabilitiesError})`);
      continue;
    }
    if (capabilities && !ctx.has(group)) {
      record(id, 'skip', `group ${group} not advertised`);
      continue;
    }
    ctx.begin(id);
    let error;
    try {
      await implementation(ctx);
    } catch (e) {
      error = e;
    }
    const cleanup = await ctx.finish();
    const violations = ctx.current.violations;
    // A clause that failed half-way may have left a session it took over; the next clause signs in afresh.
    if (violations.length || (error && !(error instanceof Skip)) || cleanup.length) ctx.sessions.clear();
    if (violations.length) {
      record(id, 'fail', `contract violation: ${violations.join('; ')}`);
    } else if (error instanceof Skip) {
      record(id, 'skip', error.message);
    } else if (error) {
      record(id, 'fail', error.message || String(error));
    } else if (cleanup.length) {
      record(id, 'fail', `clean-up failed: ${cleanup.join('; ')}`);
    } else {
      record(id, 'ok');
    }
  }
  const unknown = Object.keys(implementations).filter((id) => !clauses.some((c) => c.id === id));
  return { ...results, capabilities, unknownImplementations: unknown };
}
