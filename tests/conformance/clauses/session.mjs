// The session group: capabilities, sign-in (with its 422, 401, 423 and 409 answers), sign-out,
// activity and password change; and the 401 every authenticated operation gives without a token.
import { check, expectProblem, expectStatus, fail, tokyoRfc3339 } from '../lib/context.mjs';

/** A password the change policy accepts (8+ characters, 3 classes), unique to the run. */
function newPassword(ctx) {
  return `Cf*${ctx.uid('p')}Z9`;
}

async function signIn(ctx, user, password, force) {
  return ctx.request('POST', '/session', { json: force === undefined ? { user_id: user, password } : { user_id: user, password, force } });
}

export const clauses = {
  'capabilities.shape': async (ctx) => {
    const answer = await ctx.request('GET', '/capabilities');
    expectStatus(answer, 200, 'GET /capabilities without a session');
    check(answer.contentType === 'application/json', `expected application/json, got ${answer.describe()}`);
    const body = answer.json;
    check(typeof body.contract_version === 'string' && body.contract_version.length > 0, 'contract_version is missing or empty');
    check(Array.isArray(body.groups), 'groups is not a list');
    check(new Set(body.groups).size === body.groups.length, `groups repeats a group: ${body.groups.join(', ')}`);
    check(body.groups.includes('session'), `groups lacks session: ${body.groups.join(', ')}`);
    check(body.training === body.groups.includes('training'), `training is ${body.training} but groups ${body.groups.includes('training') ? 'include' : 'lack'} training`);
  },

  'capabilities.history-window': async (ctx) => {
    const answer = await ctx.request('GET', '/capabilities');
    expectStatus(answer, 200, 'GET /capabilities without a session');
    const days = answer.json.history_window_days;
    check(Number.isInteger(days) && days >= 1, `history_window_days is ${JSON.stringify(days)}, not a whole number of days of at least 1`);
    if (!ctx.has('history')) return;
    // The window the endpoint gives is the one it keeps: a search from a day before it is refused.
    const token = await ctx.token('general');
    const from = tokyoRfc3339(ctx.endpointNow() - (days + 1) * 24 * 60 * 60 * 1000);
    const search = await ctx.request('GET', '/qualifications', { token, query: { from } });
    const problem = expectProblem(search, 422, 'invalid_request', `from=${from}, ${days + 1} days back`);
    check((problem.errors ?? []).some((e) => e.field === 'from'), `the 422 does not name from: ${search.describe()}`);
  },

  'session.sign-in.ok': async (ctx) => {
    const { user, password } = ctx.account('general');
    const answer = await signIn(ctx, user, password, true);
    expectStatus(answer, 201, `signing in ${user}`);
    const body = answer.json;
    check(typeof body.token === 'string' && body.token.length >= 16, `the token is missing or short: ${JSON.stringify(body.token)}`);
    check(body.account.id === user, `account.id is ${JSON.stringify(body.account.id)}, not ${user}`);
    check(body.account.kind === 'general', `account.kind is ${body.account.kind}, not general`);
    check(/^[0-9]{10}$/.test(body.institution.code), `institution.code is ${JSON.stringify(body.institution.code)}`);
    check(body.institution.name.length > 0, 'institution.name is empty');
    if (ctx.training) check(body.institution.code === '1234567897', `the training institution is ${body.institution.code}, not 1234567897 (D2)`);
    ctx.adopt('general', body);
    // The token works.
    expectStatus(await ctx.request('POST', '/session/activity', { token: body.token }), 204, 'the new token');
  },

  'session.sign-in.invalid': async (ctx) => {
    // A throwaway account where one can be made, so that no real account's count of wrong passwords
    // grows; otherwise the general account, whose count the right password clears again at once.
    const throwaway = ctx.has('accounts') && ctx.accounts.admin;
    const { user, password } = throwaway ? await ctx.throwaway('general') : ctx.account('general');
    const answer = await signIn(ctx, user, `${password}-wrong`, false);
    const problem = expectProblem(answer, 401, 'invalid_credentials', 'a wrong password');
    check(Number.isInteger(problem.remaining_attempts), `remaining_attempts is missing: ${answer.describe()}`);
    if (throwaway) {
      check(problem.remaining_attempts === 4, `remaining_attempts is ${problem.remaining_attempts} after the first wrong password, not 4 (seed 004: five tries)`);
    } else {
      check(problem.remaining_attempts >= 0, `remaining_attempts is ${problem.remaining_attempts}`);
      ctx.adopt('general', await ctx.signIn('general'));
    }
  },

  'session.sign-in.validation': async (ctx) => {
    const answer = await signIn(ctx, '', '');
    const problem = expectProblem(answer, 422, 'invalid_request', 'empty user_id and password');
    const fields = (problem.errors ?? []).map((e) => e.field);
    check(fields.filter((f) => f === 'user_id').length === 1, `expected one error for user_id, got fields ${JSON.stringify(fields)}`);
    check(fields.filter((f) => f === 'password').length === 1, `expected one error for password, got fields ${JSON.stringify(fields)}`);
    check(fields.length === 2, `expected exactly one error per field, got ${JSON.stringify(fields)}`);
  },

  'session.sign-in.locked': async (ctx) => {
    const { user, password } = await ctx.throwaway('general');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const answer = await signIn(ctx, user, 'Wrong*password*1', false);
      const problem = expectProblem(answer, 401, 'invalid_credentials', `wrong password ${attempt} of 5`);
      check(problem.remaining_attempts === 5 - attempt, `wrong password ${attempt}: remaining_attempts ${problem.remaining_attempts}, expected ${5 - attempt}`);
    }
    const fifth = expectProblem(await signIn(ctx, user, 'Wrong*password*1', false), 423, 'account_locked', 'the fifth wrong password');
    check(typeof fifth.locked_until === 'string', 'the fifth wrong password: locked_until is missing');
    const until = Date.parse(fifth.locked_until);
    check(until > ctx.endpointNow() - 60_000, `locked_until ${fifth.locked_until} is not in the future`);
    const right = expectProblem(await signIn(ctx, user, password, true), 423, 'account_locked', 'the right password on a locked ID');
    check(typeof right.locked_until === 'string', 'the right password on a locked ID: locked_until is missing');
  },

  'session.sign-in.in-use': async (ctx) => {
    const { user, password } = ctx.account('general');
    const first = await signIn(ctx, user, password, true);
    expectStatus(first, 201, 'the first sign-in');
    ctx.adopt('general', first.json);
    expectProblem(await signIn(ctx, user, password, false), 409, 'session_in_use', 'a second sign-in without force');
    // The refused prompt changed nothing.
    expectStatus(await ctx.request('POST', '/session/activity', { token: first.json.token }), 204, 'the first session after the 409');
    const second = await signIn(ctx, user, password, true);
    expectStatus(second, 201, 'a second sign-in with force');
    ctx.adopt('general', second.json);
    check(second.json.token !== first.json.token, 'force answered the same token');
    expectProblem(await ctx.request('POST', '/session/activity', { token: first.json.token }), 401, 'session_revoked', 'the first session after force');
    expectStatus(await ctx.request('POST', '/session/activity', { token: second.json.token }), 204, 'the forced session');
  },

  'session.sign-out': async (ctx) => {
    const signedIn = await ctx.signIn('general');
    ctx.forget('general');
    expectStatus(await ctx.request('DELETE', '/session', { token: signedIn.token }), 204, 'DELETE /session');
    expectProblem(await ctx.request('DELETE', '/session', { token: signedIn.token }), 401, undefined, 'DELETE /session again with the ended token');
    expectProblem(await ctx.request('POST', '/session/activity', { token: signedIn.token }), 401, undefined, 'the token after sign-out');
  },

  'session.activity': async (ctx) => {
    const token = await ctx.token('general');
    expectStatus(await ctx.request('POST', '/session/activity', { token }), 204, 'with a session');
    expectProblem(await ctx.request('POST', '/session/activity'), 401, 'unauthenticated', 'without a session');
  },

  'session.password': async (ctx) => {
    // A throwaway account where the accounts group allows one; otherwise the general account, whose
    // password is changed and then changed back.
    let user;
    let current;
    let restore = false;
    if (ctx.has('accounts') && ctx.accounts.admin) {
      ({ user, password: current } = await ctx.throwaway('general'));
    } else {
      ({ user, password: current } = ctx.account('general'));
      restore = true;
    }
    const signed = await signIn(ctx, user, current, true);
    expectStatus(signed, 201, `signing in ${user}`);
    let token = signed.json.token;
    if (restore) ctx.adopt('general', signed.json);
    const wrong = await ctx.request('PUT', '/session/password', {
      token,
      json: { current: `${current}-wrong`, new: newPassword(ctx) },
    });
    expectProblem(wrong, 422, undefined, 'a wrong current password');
    const next = newPassword(ctx);
    expectStatus(await ctx.request('PUT', '/session/password', { token, json: { current, new: next } }), 204, 'a valid change');
    if (restore) {
      ctx.defer(async () => {
        const back = await ctx.request('PUT', '/session/password', { token, json: { current: next, new: current } });
        if (back.status !== 204) {
          fail(`could not change ${user}'s password back; it is now ${JSON.stringify(next)}: ${back.describe()}`);
        }
      });
    }
    const again = await signIn(ctx, user, next, true);
    expectStatus(again, 201, 'signing in with the new password');
    check(again.json.must_change_password === false, 'must_change_password is still true after the change');
    token = again.json.token;
    if (restore) ctx.adopt('general', again.json);
    expectProblem(await signIn(ctx, user, current, true), 401, 'invalid_credentials', 'the old password after the change');
    if (restore) {
      // The failed attempt above is cleared by the next successful sign-in.
      const latest = await signIn(ctx, user, next, true);
      expectStatus(latest, 201, 'signing in with the new password again');
      token = latest.json.token;
      ctx.adopt('general', latest.json);
    }
  },

  'auth.missing': async (ctx) => {
    const answer = await ctx.request('GET', '/qualifications');
    expectProblem(answer, 401, 'unauthenticated', 'GET /qualifications without a token');
  },
};
