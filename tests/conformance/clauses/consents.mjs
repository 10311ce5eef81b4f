// The consents group: 同意済資格情報取得 and 同意取消.
import { check, expectProblem, expectStatus } from '../lib/context.mjs';

export const clauses = {
  'consents.list': async (ctx) => {
    const token = await ctx.token('general');
    const all = await ctx.request('GET', '/consents', { token });
    expectStatus(all, 200, 'GET /consents');
    check(Array.isArray(all.json.items), 'items is not a list');
    for (const treatment of ['home_visit', 'online']) {
      const some = await ctx.request('GET', '/consents', { token, query: { treatment } });
      expectStatus(some, 200, `GET /consents?treatment=${treatment}`);
      check(some.json.items.length <= all.json.items.length, `treatment=${treatment} lists more than all treatments`);
    }
    const unknown = await ctx.request('GET', '/consents', { token, query: { treatment: 'walk_in' } });
    const problem = expectProblem(unknown, 422, 'invalid_request', 'treatment=walk_in');
    check((problem.errors ?? []).some((e) => e.field === 'treatment'), `the 422 does not name treatment: ${unknown.describe()}`);
  },

  'consents.revoke': async (ctx) => {
    const token = await ctx.token('general');
    // A valid insurer number (the patient's) with a number and birthdate nobody consented with.
    const insurer = ctx.training ? '06139000' : ctx.patient().insurer;
    const unknown = await ctx.request('DELETE', '/consents', {
      token,
      json: { insurer_number: insurer, number: '987654321', birthdate: '1901-02-03' },
    });
    expectProblem(unknown, 404, 'not_found', 'revoking the consent of an unknown card');
    const missing = await ctx.request('DELETE', '/consents', { token, json: {} });
    const problem = expectProblem(missing, 422, 'invalid_request', 'revoking with no fields');
    const fields = (problem.errors ?? []).map((e) => e.field);
    for (const field of ['insurer_number', 'number', 'birthdate']) {
      check(fields.includes(field), `the 422 does not name ${field}: ${missing.describe()}`);
    }
  },
};
