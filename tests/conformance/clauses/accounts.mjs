// The accounts group: アカウント管理 as decisions.md D2 has it (管理 manages 一般 and 医療情報閲覧), and
// the system-issued password that must be changed first.
import { check, expectProblem, expectStatus, skip } from '../lib/context.mjs';

function accountPath(user) {
  return `/accounts/${encodeURIComponent(user)}`;
}

/** An operation a general account may call, to see the must-change rule refuse and then allow it. */
function everydayOperation(ctx) {
  if (ctx.has('history')) return ['GET', '/qualifications'];
  if (ctx.has('readers')) return ['GET', '/readers'];
  if (ctx.has('consents')) return ['GET', '/consents'];
  if (ctx.has('events')) return ['GET', '/events'];
  return skip('needs one of the groups history, readers, consents or events for an operation to refuse');
}

export const clauses = {
  'accounts.list': async (ctx) => {
    ctx.account('admin');
    ctx.account('general');
    const admin = await ctx.request('GET', '/accounts', { token: await ctx.token('admin') });
    expectStatus(admin, 200, 'an admin account');
    const kinds = new Set(admin.json.items.map((a) => a.kind));
    for (const kind of kinds) {
      check(kind === 'general' || kind === 'medical_viewer', `an admin is listed a ${kind} account, which it may not manage (D2)`);
    }
    const general = await ctx.request('GET', '/accounts', { token: await ctx.token('general') });
    expectProblem(general, 403, 'forbidden', 'a general account');
  },

  'accounts.create': async (ctx) => {
    const token = await ctx.token('admin');
    const user = ctx.uid('cf');
    const body = { user_id: user, name: '適合性確認用', kind: 'general' };
    const created = await ctx.request('POST', '/accounts', { token, json: body });
    expectStatus(created, 201, 'an admin creating a general account');
    ctx.defer(async () => {
      expectStatus(await ctx.request('DELETE', accountPath(user), { token: await ctx.token('admin') }), [204, 404], `deleting ${user}`);
    });
    const issued = created.json;
    check(issued.initial_password.length > 0, 'initial_password is empty');
    check(issued.account.id === user && issued.account.kind === 'general', `the new account is ${JSON.stringify(issued.account)}`);
    check(issued.account.must_change_password === true, 'a system-issued password is not marked must_change_password');
    const listed = await ctx.request('GET', '/accounts', { token });
    expectStatus(listed, 200, 'GET /accounts');
    check(listed.json.items.some((a) => a.id === user), `${user} is not in GET /accounts`);
    const again = await ctx.request('POST', '/accounts', { token, json: body });
    expectProblem(again, 409, 'account_exists', 'the same user_id again');
  },

  'accounts.update': async (ctx) => {
    const { user } = await ctx.throwaway('general');
    const token = await ctx.token('admin');
    const renamed = await ctx.request('PATCH', accountPath(user), { token, json: { name: '適合性確認用（改）' } });
    expectStatus(renamed, 200, 'renaming a managed account');
    check(renamed.json.id === user && renamed.json.name === '適合性確認用（改）', `the account reads ${JSON.stringify(renamed.json)}`);
    const unknown = await ctx.request('PATCH', accountPath(ctx.uid('nobody')), { token, json: { name: '誰でもない' } });
    expectProblem(unknown, 404, 'not_found', 'renaming an unknown account');
  },

  'accounts.reset': async (ctx) => {
    const { user, password } = await ctx.throwaway('general');
    const admin = await ctx.session('admin');
    const reset = await ctx.request('POST', `${accountPath(user)}/password-reset`, { token: admin.token });
    expectStatus(reset, 200, 'resetting a managed account');
    check(reset.json.initial_password.length > 0, 'the reset gave an empty password');
    check(reset.json.initial_password !== password, 'the reset gave the same password again');
    check(reset.json.account.must_change_password === true, 'a reset password is not marked must_change_password');
    const own = await ctx.request('POST', `${accountPath(admin.account.id)}/password-reset`, { token: admin.token });
    expectProblem(own, 409, 'own_account', "resetting the admin's own password");
  },

  'accounts.delete': async (ctx) => {
    const { user } = await ctx.throwaway('general');
    const token = await ctx.token('admin');
    expectStatus(await ctx.request('DELETE', accountPath(user), { token }), 204, 'deleting a managed account');
    expectProblem(await ctx.request('DELETE', accountPath(user), { token }), 404, 'not_found', 'deleting it again');
  },

  'accounts.must-change': async (ctx) => {
    const [method, path] = everydayOperation(ctx);
    const { user, password } = await ctx.throwaway('general');
    const signed = await ctx.request('POST', '/session', { json: { user_id: user, password, force: true } });
    expectStatus(signed, 201, 'signing in with the system-issued password');
    check(signed.json.must_change_password === true, 'must_change_password is not true for a system-issued password');
    const token = signed.json.token;
    expectProblem(await ctx.request(method, path, { token }), 403, 'password_change_required', `${method} ${path} before the change`);
    const next = `Cf*${ctx.uid('n')}Z9`;
    expectStatus(await ctx.request('PUT', '/session/password', { token, json: { current: password, new: next } }), 204, 'changing the password');
    expectStatus(await ctx.request(method, path, { token }), 200, `${method} ${path} after the change`);
  },
};
