// The disaster group: 災害時医療情報閲覧 (admin and medical_viewer accounts, not general).
import { check, expectProblem, expectStatus } from '../lib/context.mjs';

export const clauses = {
  'disaster.status': async (ctx) => {
    ctx.account('admin');
    ctx.account('general');
    const admin = await ctx.request('GET', '/disaster', { token: await ctx.token('admin') });
    expectStatus(admin, 200, 'an admin account');
    check(typeof admin.json.open === 'boolean', `open is ${JSON.stringify(admin.json.open)}`);
    check(Array.isArray(admin.json.areas), `areas is ${JSON.stringify(admin.json.areas)}`);
    const general = await ctx.request('GET', '/disaster', { token: await ctx.token('general') });
    expectProblem(general, 403, 'forbidden', 'a general account');
  },

  'disaster.search': async (ctx) => {
    const token = await ctx.token('admin');
    const answer = await ctx.request('POST', '/disaster/search', { token, json: { name: 'シンバシ タロウ' } });
    if (answer.status === 403) {
      expectProblem(answer, 403, 'disaster_closed', 'a search while closed');
      const status = await ctx.request('GET', '/disaster', { token });
      expectStatus(status, 200, 'GET /disaster');
      check(status.json.open === false, 'the search answered disaster_closed but GET /disaster says open');
      return;
    }
    const problem = expectProblem(answer, 422, 'invalid_request', 'a search without consent or birthdate');
    const fields = (problem.errors ?? []).map((e) => e.field);
    for (const field of ['consent', 'birthdate']) {
      check(fields.includes(field), `the 422 does not name ${field}: ${answer.describe()}`);
    }
  },
};
