// What a clause is handed: the endpoint's capabilities, the client, the accounts and their sessions,
// the endpoint's clock (training only), throwaway accounts, and the clause's own clean-up list.
import { randomBytes } from 'node:crypto';
import { loadCard } from './card.mjs';

/** Thrown by a clause that cannot run here; the runner lists it as skipped, never as passed. */
export class Skip extends Error {}

export function skip(reason) {
  throw new Skip(reason);
}

export function fail(message) {
  throw new Error(message);
}

export function check(condition, message) {
  if (!condition) throw new Error(typeof message === 'function' ? message() : message);
}

/** Asserts an answer's status (one number or a list), naming the request and what came back. */
export function expectStatus(answer, expected, what = '') {
  const wanted = Array.isArray(expected) ? expected : [expected];
  if (!wanted.includes(answer.status)) {
    fail(`${what ? `${what}: ` : ''}expected ${wanted.join(' or ')}, got ${answer.describe()}`);
  }
  return answer;
}

/** Asserts a problem answer: its status, `application/problem+json` and (when given) its code. */
export function expectProblem(answer, status, code, what = '') {
  const prefix = what ? `${what}: ` : '';
  if (answer.status !== status || answer.contentType !== 'application/problem+json' || (code && answer.problem?.code !== code)) {
    fail(`${prefix}expected ${status}${code ? ` ${code}` : ''} as application/problem+json, got ${answer.describe()}`);
  }
  return answer.problem;
}

/** Asserts a 200 application/xml answer and returns its text. */
export function expectXml(answer, what = '') {
  expectStatus(answer, 200, what);
  check(answer.contentType === 'application/xml', () => `${what ? `${what}: ` : ''}expected application/xml, got ${answer.describe()}`);
  return answer.text;
}

const JST_MS = 9 * 60 * 60 * 1000;

function jstParts(ms) {
  return new Date(ms + JST_MS).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, read as Tokyo wall clock
}

/** The Tokyo date of an instant, YYYY-MM-DD. */
export function tokyoDate(ms) {
  return jstParts(ms).slice(0, 10);
}

/** The Tokyo date of an instant, YYYYMMDD (as the messages write dates). */
export function tokyoCompactDate(ms) {
  return tokyoDate(ms).replaceAll('-', '');
}

/** An instant in RFC 3339 with the Tokyo offset, to the millisecond. */
export function tokyoRfc3339(ms) {
  return `${jstParts(ms).slice(0, 23)}+09:00`;
}

/** Parses an RFC 3339 time into milliseconds, or fails. */
export function parseTime(text, what) {
  const ms = Date.parse(text);
  check(Number.isFinite(ms), `${what}: ${JSON.stringify(text)} is not an RFC 3339 time`);
  return ms;
}

const KIND_LABEL = {
  general: 'a general',
  medical_viewer: 'a medical_viewer',
  admin: 'an admin',
  master: 'a master',
  system: 'a system',
};

export class Context {
  constructor({ client, contract, capabilities, accounts, patient, options = {} }) {
    this.client = client;
    this.contract = contract;
    this.capabilities = capabilities;
    this.groups = new Set(capabilities?.groups ?? []);
    this.training = capabilities?.training === true;
    this.accounts = accounts;
    this.configuredPatient = patient;
    this.options = options;
    this.sessions = new Map();
    this.run = randomBytes(4).toString('hex');
    this.counter = 0;
    this.clockBase = undefined;
    this.clockLocal = undefined;
    this.current = undefined;
  }

  // --- per clause ---------------------------------------------------------------------------------

  begin(id) {
    this.current = { id, deferred: [], violations: [] };
  }

  /** Registers clean-up for the running clause; run after it, newest first, whatever its outcome. */
  defer(fn) {
    this.current.deferred.push(fn);
  }

  /** Runs the clause's clean-up; returns the messages of what failed. */
  async finish() {
    const errors = [];
    const deferred = this.current?.deferred ?? [];
    while (deferred.length) {
      const fn = deferred.pop();
      try {
        await fn();
      } catch (e) {
        errors.push(e.message);
      }
    }
    return errors;
  }

  /** A string unique to this run, for IDs, keys and numbers the suite makes up. */
  uid(label = 'x') {
    this.counter += 1;
    return `${label}${this.run}${this.counter}`;
  }

  idempotencyKey() {
    return this.uid('conformance-');
  }

  // --- groups and accounts ----------------------------------------------------------------------------

  has(group) {
    return this.groups.has(group);
  }

  /** Skips unless every group is advertised. */
  need(...groups) {
    for (const group of groups) if (!this.has(group)) skip(`needs group ${group}, which is not advertised`);
  }

  /** The credentials of a role, or a skip saying how to give them. */
  account(role) {
    const account = this.accounts[role];
    if (!account) skip(`needs ${KIND_LABEL[role] ?? role} account (--account ${role}=ID:PASSWORD or ONSHI_ACCOUNT_${role.toUpperCase()})`);
    return account;
  }

  request(method, path, options) {
    return this.client.request(method, path, options);
  }

  /** Signs a role in (with `force`, ending its other sessions) and keeps the token for later clauses. */
  async signIn(role, { force = true } = {}) {
    const { user, password } = this.account(role);
    const answer = await this.request('POST', '/session', { json: { user_id: user, password, force } });
    expectStatus(answer, 201, `signing in ${role} ${user}`);
    const signedIn = answer.json;
    this.sessions.set(role, signedIn);
    return signedIn;
  }

  /** A live token of a role, signing in when there is none yet. */
  async token(role) {
    const known = this.sessions.get(role);
    if (known) return known.token;
    return (await this.signIn(role)).token;
  }

  /** The sign-in answer of a role (account and institution). */
  async session(role) {
    if (!this.sessions.has(role)) await this.signIn(role);
    return this.sessions.get(role);
  }

  /** Forgets a role's token (a clause ended or replaced that session). */
  forget(role) {
    this.sessions.delete(role);
  }

  /** Sets a role's token to one a clause got itself. */
  adopt(role, signedIn) {
    this.sessions.set(role, signedIn);
  }

  /** The institution code: from a sign-in answer (the canned 1234567897 on a training endpoint). */
  async institution() {
    for (const signedIn of this.sessions.values()) if (signedIn?.institution?.code) return signedIn.institution.code;
    for (const role of ['general', 'medical_viewer', 'admin', 'master']) {
      if (this.accounts[role]) return (await this.session(role)).institution.code;
    }
    return skip('needs an account that signs in, to learn the institution code');
  }

  /** A card the endpoint answers as valid: 新橋 太郎 on a training endpoint, else --patient. */
  patient() {
    if (this.configuredPatient) return this.configuredPatient;
    if (this.training) return this.options.trainingPatient;
    return skip('needs a card the endpoint knows as valid (--patient INSURER:SYMBOL:NUMBER:BRANCH:YYYYMMDD or ONSHI_PATIENT)');
  }

  /**
   * The test card the card group's clauses sign with: `--card-certificate`/`--card-key` (or
   * ONSHI_CARD_CERTIFICATE/ONSHI_CARD_KEY), on a training endpoint the repository's test PKI by default.
   * It must be one the endpoint trusts and whose holder it knows.
   */
  card() {
    const files = this.options.card;
    if (!files) skip('needs a test My Number card the endpoint trusts (--card-certificate FILE --card-key FILE, DER, the key in PKCS#1)');
    this.loadedCard ??= loadCard(files);
    return this.loadedCard;
  }

  /** A card of a CA no endpoint trusts (the repository's "Onshi Rogue CA"). */
  untrustedCard() {
    this.loadedUntrustedCard ??= loadCard(this.options.untrustedCard);
    return this.loadedUntrustedCard;
  }

  /**
   * A throwaway account of `kind`, made through the accounts group by a kind that may manage it
   * (admin for general and medical_viewer, master for admin), and deleted after the clause.
   */
  async throwaway(kind = 'general') {
    if (!this.has('accounts')) skip('needs a throwaway account, and group accounts is not advertised');
    const manager = kind === 'admin' ? 'master' : 'admin';
    if (!this.accounts[manager]) skip(`needs a throwaway account, made by ${KIND_LABEL[manager]} account (--account ${manager}=ID:PASSWORD)`);
    const token = await this.token(manager);
    const user = this.uid('cf');
    const answer = await this.request('POST', '/accounts', {
      token,
      json: { user_id: user, name: '適合性確認用', kind },
    });
    expectStatus(answer, 201, `creating throwaway account ${user}`);
    this.defer(async () => {
      const gone = await this.request('DELETE', `/accounts/${encodeURIComponent(user)}`, { token: await this.token(manager) });
      expectStatus(gone, [204, 404], `deleting throwaway account ${user}`);
    });
    return { user, password: answer.json.initial_password, issued: answer.json };
  }

  // --- the endpoint's clock ---------------------------------------------------------------------------

  /** The endpoint's time as far as the suite knows it (the real time unless the suite set it). */
  endpointNow() {
    if (this.clockBase === undefined) return Date.now();
    return this.clockBase + (Date.now() - this.clockLocal);
  }

  /** Whether the suite may set the endpoint's clock (a training endpoint). */
  get clockSettable() {
    return this.has('training');
  }

  /**
   * Sets the endpoint's clock explicitly at the start of a time-dependent clause: to now, or to where an
   * earlier run left it if that is later (the clock only ever moves forward past issued sessions).
   */
  async syncClock() {
    if (!this.clockSettable) return;
    if (this.clockBase === undefined) {
      const probed = await this.probeEndpointTime();
      this.clockBase = Math.max(Date.now(), probed ?? 0);
      this.clockLocal = Date.now();
    }
    await this.setClock(this.endpointNow());
  }

  /** Moves the endpoint's clock forward by `ms` (never back). */
  async advanceClock(ms) {
    await this.syncClock();
    await this.setClock(this.endpointNow() + ms);
  }

  /**
   * PUT /training/clock, refusing to move it back; fails unless 204. Only a signed-in session may move
   * the clock (decisions.md D1): the general account's, signed in again when an earlier move ended it.
   */
  async setClock(ms) {
    const target = Math.max(ms, this.endpointNow());
    const json = { now: tokyoRfc3339(target) };
    let answer = await this.request('PUT', '/training/clock', { token: await this.token('general'), json });
    if (answer.status === 401) {
      answer = await this.request('PUT', '/training/clock', { token: (await this.signIn('general')).token, json });
    }
    expectStatus(answer, 204, 'setting the training clock');
    this.clockBase = target;
    this.clockLocal = Date.now();
    return target;
  }

  /** The endpoint's current time, read from an answer that carries it (a passcode's issued_at). */
  async probeEndpointTime() {
    if (!this.has('passcode') || !this.accounts.general) return undefined;
    const answer = await this.request('POST', '/visual-check-passcode', { token: await this.token('general') });
    if (answer.status !== 201) return undefined;
    const ms = Date.parse(answer.json?.issued_at);
    return Number.isFinite(ms) ? ms : undefined;
  }
}
