// Which accounts the suite signs in with. A training endpoint (capabilities `training: true`) has the
// canned accounts of decisions.md D2; any other endpoint gets them from the command line
// (`--account general=ID:PASSWORD`) or the environment (`ONSHI_ACCOUNT_GENERAL=ID:PASSWORD`). The
// command line wins over the environment, which wins over the canned accounts.

/** The account kinds the suite may use, as the contract spells them. */
export const ROLES = Object.freeze(['general', 'medical_viewer', 'admin', 'master', 'system']);

/** The canned training accounts (decisions.md D2). */
export const TRAINING_ACCOUNTS = Object.freeze({
  general: { user: '002', password: 'Onshi*002*002' },
  medical_viewer: { user: '003', password: 'Onshi*003*003' },
  admin: { user: 'admin01', password: 'Onshi*admin*01' },
  master: { user: 'master', password: 'Onshi*master*00' },
  system: { user: 'renkei01', password: 'Onshi*renkei*01' },
});

/** Reads `ROLE=ID:PASSWORD` (the ID ends at the first colon; the password may hold colons). */
export function parseAccount(spec) {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new Error(`--account ${spec}: expected ROLE=ID:PASSWORD`);
  const role = spec.slice(0, eq).trim();
  if (!ROLES.includes(role)) throw new Error(`--account ${spec}: the role must be one of ${ROLES.join(', ')}`);
  const credential = parseCredential(spec.slice(eq + 1), `--account ${role}`);
  return [role, credential];
}

function parseCredential(value, where) {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new Error(`${where}: expected ID:PASSWORD`);
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** The accounts named in the environment (`ONSHI_ACCOUNT_<ROLE>=ID:PASSWORD`). */
export function accountsFromEnv(env = process.env) {
  const accounts = {};
  for (const role of ROLES) {
    const value = env[`ONSHI_ACCOUNT_${role.toUpperCase()}`];
    if (value) accounts[role] = parseCredential(value, `ONSHI_ACCOUNT_${role.toUpperCase()}`);
  }
  return accounts;
}

/** The accounts to use: the canned ones on a training endpoint, overridden by env, then by flags. */
export function resolveAccounts({ training, flags = {}, env = process.env }) {
  return { ...(training ? TRAINING_ACCOUNTS : {}), ...accountsFromEnv(env), ...flags };
}

/**
 * A patient the endpoint knows as valid, for the clauses that need a real answer
 * (`--patient INSURER:SYMBOL:NUMBER:BRANCH:BIRTHDATE`, birthdate YYYYMMDD, symbol and branch may be
 * empty; or `ONSHI_PATIENT`).
 */
export function parsePatient(value, where = '--patient') {
  const parts = value.split(':');
  if (parts.length !== 5 || !parts[0] || !parts[2] || !/^\d{8}$/.test(parts[4])) {
    throw new Error(`${where} ${value}: expected INSURER:SYMBOL:NUMBER:BRANCH:YYYYMMDD`);
  }
  const [insurer, symbol, number, branch, birthdate] = parts;
  return { insurer, symbol: symbol || undefined, number, branch: branch || undefined, birthdate };
}
