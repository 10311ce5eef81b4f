// The history group: 資格確認履歴照会 (GET /qualifications) and its detail.
import { check, expectProblem, expectStatus, skip, tokyoRfc3339 } from '../lib/context.mjs';
import { history, inquire, recentFrom } from '../lib/steps.mjs';

const DAY = 24 * 60 * 60 * 1000;

function isoDate(compact) {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

/** Makes a result (an inquiry of the patient) and finds its history row; needs the qualification group. */
async function newResult(ctx, token) {
  if (!ctx.has('qualification')) skip('needs group qualification to make a result');
  const card = ctx.patient();
  const from = recentFrom(ctx);
  const user = (await ctx.session('general')).account.id;
  const before = await history(ctx, token, { from, per_page: 1 });
  const answer = await inquire(ctx, token, { card, fileId: ctx.uid('hist-') });
  expectStatus(answer, 200, 'the inquiry');
  const page = await history(ctx, token, { from, login_id: user, per_page: 50 });
  const rows = page.items.filter((item) => item.number === card.number && item.insurer_number === card.insurer);
  check(page.total > 0 && rows.length > 0, `the new result is not in GET /qualifications (total ${page.total}, before ${before.total})`);
  return { answer, row: rows[0], card, user, page };
}

export const clauses = {
  'history.search': async (ctx) => {
    const token = await ctx.token('general');
    const { row, card, user, page } = await newResult(ctx, token);
    check(page.page === 1, `page is ${page.page}, not 1`);
    check(page.per_page === 50, `per_page is ${page.per_page}, not the 50 asked for`);
    check(page.items.length <= page.per_page, `${page.items.length} items on a page of ${page.per_page}`);
    check(Number.isInteger(page.total) && page.total >= page.items.length, `total ${page.total} is below the ${page.items.length} items listed`);
    check(row.login_id === user, `login_id is ${row.login_id}, not ${user}`);
    check(row.validity?.code === '1', `validity is ${JSON.stringify(row.validity)}, not code 1`);
    check(row.classification?.code && row.classification?.label, `classification is ${JSON.stringify(row.classification)}`);
    check((row.symbol ?? undefined) === card.symbol, `symbol is ${row.symbol}, not ${card.symbol}`);
    check((row.branch ?? undefined) === card.branch, `branch is ${row.branch}, not ${card.branch}`);
    check(row.birthdate === isoDate(card.birthdate), `birthdate is ${row.birthdate}, not ${isoDate(card.birthdate)}`);
    check(Date.parse(row.confirmed_at) >= Date.parse(recentFrom(ctx)), `confirmed_at ${row.confirmed_at} is not recent`);
    if (ctx.training) check(row.name === '新橋　太郎', `name is ${row.name}, not 新橋　太郎`);
    // Newest first.
    for (let i = 1; i < page.items.length; i += 1) {
      check(Date.parse(page.items[i - 1].confirmed_at) >= Date.parse(page.items[i].confirmed_at), 'the items are not newest first');
    }
  },

  'history.window': async (ctx) => {
    const token = await ctx.token('general');
    const from = tokyoRfc3339(ctx.endpointNow() - 2 * 365 * DAY - 30 * DAY);
    const answer = await ctx.request('GET', '/qualifications', { token, query: { from } });
    const problem = expectProblem(answer, 422, 'invalid_request', `from=${from}`);
    const fields = (problem.errors ?? []).map((e) => e.field);
    check(fields.includes('from'), `the 422 does not name from: ${answer.describe()}`);
  },

  'history.detail': async (ctx) => {
    const token = await ctx.token('general');
    const { answer, row } = await newResult(ctx, token);
    const detail = await ctx.request('GET', `/qualifications/${row.id}`, { token });
    expectStatus(detail, 200, `GET /qualifications/${row.id}`);
    check(detail.contentType === 'application/xml', `expected application/xml, got ${detail.describe()}`);
    check(Buffer.compare(detail.bytes, answer.bytes) === 0, 'the stored message is not the UTF-8 answer as it was given, byte for byte');
    const unknown = await ctx.request('GET', '/qualifications/987654321098', { token });
    expectProblem(unknown, 404, 'not_found', 'an unknown history id');
  },
};
