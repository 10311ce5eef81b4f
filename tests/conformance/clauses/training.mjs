// The training group (decisions.md D3): the canned people, the patient at a reader (face, PIN), the
// reader's 職員用ボタン and 「中止」, and the reference endpoint's clock.
import { check, expectProblem, expectStatus, parseTime, skip, tokyoDate, tokyoRfc3339 } from '../lib/context.mjs';
import { ensureMode, eventsAfter, lastEventId, useReader } from '../lib/steps.mjs';

/** The canned PIN of the training people (training data, canned/people.rs: 1234 for every card). */
const CANNED_PIN = '1234';

async function people(ctx, token) {
  const answer = await ctx.request('GET', '/training/people', { token });
  expectStatus(answer, 200, 'GET /training/people');
  return answer.json.items;
}

/** Seed 000's 新橋 太郎 (06139000, 1954-03-26) among the canned people. */
function taro(list) {
  const found = list.find((p) => p.name === '新橋　太郎' && p.insurer_number === '06139000' && p.birthdate === '1954-03-26');
  check(found, 'the canned people lack 新橋　太郎 (06139000, 1954-03-26; seed 000)');
  return found;
}

async function visit(ctx, token, body) {
  return ctx.request('POST', '/training/reader-visits', { token, json: body });
}

const NO_CONSENTS = { medical: false, checkups: false, limit: false };

export const clauses = {
  'training.accounts': async (ctx) => {
    const answer = await ctx.request('GET', '/training/accounts');
    expectStatus(answer, 200, 'GET /training/accounts without a session');
    const items = answer.json.items;
    check(Array.isArray(items) && items.length > 0, 'GET /training/accounts lists no account');
    const kinds = new Set(['master', 'admin', 'general', 'medical_viewer', 'system']);
    for (const a of items) {
      check(a.user_id.length > 0 && a.password.length > 0 && a.name.length > 0, `an account lacks its ID, password or name: ${JSON.stringify(a)}`);
      check(kinds.has(a.kind), `${a.user_id}'s kind is ${JSON.stringify(a.kind)}`);
    }
    const { user, password } = ctx.account('general');
    const general = items.find((a) => a.user_id === user);
    check(general, `the general account ${user} the suite signs in with is not listed`);
    check(general.password === password && general.kind === 'general', `${user} is listed as ${general.kind} with another password`);
  },

  'training.people': async (ctx) => {
    const list = await people(ctx, await ctx.token('general'));
    check(list.length > 0, 'GET /training/people lists nobody');
    const ids = new Set();
    for (const p of list) {
      check(p.id.length > 0 && !ids.has(p.id), `person id ${JSON.stringify(p.id)} is empty or repeated`);
      ids.add(p.id);
      check(p.outcome.code.length > 0 && p.outcome.label.length > 0, `${p.id} has no outcome: ${JSON.stringify(p.outcome)}`);
    }
    const t = taro(list);
    check(t.outcome.code === '1', `新橋　太郎's outcome is ${JSON.stringify(t.outcome)}, not 1 (有効)`);
    check(t.number === '10001' && t.symbol === '9000' && t.branch === '01', `新橋　太郎's card reads ${t.symbol}・${t.number}・${t.branch}`);
  },

  'training.visit': async (ctx) => {
    ctx.need('readers', 'history', 'events');
    const token = await ctx.token('general');
    const person = taro(await people(ctx, token));
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'unattended');
    const last = await lastEventId(ctx, token);
    const answer = await visit(ctx, token, { reader_id: reader.id, person_id: person.id, method: 'face', consents: NO_CONSENTS });
    expectStatus(answer, 201, 'a face visit');
    const { history_id: id, validity } = answer.json;
    check(validity.code === '1', `the visit's validity is ${JSON.stringify(validity)}, not 1`);
    const detail = await ctx.request('GET', `/qualifications/${id}`, { token });
    expectStatus(detail, 200, `the visit's result GET /qualifications/${id}`);
    check(detail.text.includes('<QualificationValidity>1</QualificationValidity>'), 'the stored result does not say QualificationValidity 1');
    const page = await ctx.request('GET', '/qualifications', { token, query: { kind: 'my_number_card', per_page: 100 } });
    expectStatus(page, 200, 'searching history for マイナンバーカード results');
    const row = page.json.items.find((item) => item.id === id);
    check(row, `history item ${id} is not among today's マイナンバーカード results`);
    check(row.reader_id === reader.id, `the history row names reader ${row.reader_id}, not ${reader.id}`);
    const { events } = await eventsAfter(ctx, token, last);
    const event = events.find((e) => e.kind === 'qualification' && e.data?.history_id === id);
    check(event, `no qualification event for history ${id} (events: ${events.map((e) => `${e.kind}:${JSON.stringify(e.data)}`).join(', ') || 'none'})`);
    check(event.data.reader_id === reader.id, `the event names reader ${event.data.reader_id}, not ${reader.id}`);
  },

  'training.pin': async (ctx) => {
    ctx.need('readers');
    const token = await ctx.token('general');
    const list = await people(ctx, token);
    // A card no other clause uses, from the end of the list; each run locks one (until a restart).
    const used = new Set([taro(list).id]);
    const person = [...list].reverse().find((p) => !p.pin_locked && !used.has(p.id));
    if (!person) skip('every canned card is already PIN-locked; restart the training endpoint for fresh data');
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'unattended');
    const base = { reader_id: reader.id, person_id: person.id, method: 'pin', consents: NO_CONSENTS };
    // The right PIN first, so earlier wrong ones of this card do not count.
    expectStatus(await visit(ctx, token, { ...base, pin: CANNED_PIN }), 201, `${person.id} with the canned PIN`);
    const wrong = CANNED_PIN === '9999' ? '0000' : '9999';
    for (const left of [2, 1]) {
      const answer = await visit(ctx, token, { ...base, pin: wrong });
      const problem = expectProblem(answer, 422, 'pin_wrong', `wrong PIN with ${left} tries left`);
      check(problem.tries_left === left, `tries_left is ${problem.tries_left}, expected ${left}`);
    }
    expectProblem(await visit(ctx, token, { ...base, pin: wrong }), 423, 'pin_locked', 'the third wrong PIN');
    expectProblem(await visit(ctx, token, { ...base, pin: CANNED_PIN }), 423, 'pin_locked', 'the right PIN on a locked card');
    const after = (await people(ctx, token)).find((p) => p.id === person.id);
    check(after?.pin_locked === true, `GET /training/people does not show ${person.id} as pin_locked`);
  },

  'training.pin-check': async (ctx) => {
    const token = await ctx.token('general');
    const list = await people(ctx, token);
    // The first card not locked; the clause ends with the right PIN, which leaves its count at zero.
    const person = list.find((p) => !p.pin_locked);
    if (!person) skip('every canned card is already PIN-locked; restart the training endpoint for fresh data');
    const pinCheck = (pin) => ctx.request('POST', '/training/pin-checks', { token, json: { person_id: person.id, pin } });
    const wrong = CANNED_PIN === '9999' ? '0000' : '9999';
    expectStatus(await pinCheck(CANNED_PIN), 204, `${person.id}'s canned PIN`);
    let problem = expectProblem(await pinCheck(wrong), 422, 'pin_wrong', 'a wrong PIN');
    check(problem.tries_left === 2, `tries_left is ${problem.tries_left} after one wrong PIN, expected 2`);
    problem = expectProblem(await pinCheck(wrong), 422, 'pin_wrong', 'a second wrong PIN');
    check(problem.tries_left === 1, `tries_left is ${problem.tries_left} after two wrong PINs, expected 1`);
    // The right PIN resets the count: the next wrong one has two tries left again.
    expectStatus(await pinCheck(CANNED_PIN), 204, 'the right PIN after two wrong ones');
    problem = expectProblem(await pinCheck(wrong), 422, 'pin_wrong', 'a wrong PIN after the right one');
    check(problem.tries_left === 2, `the right PIN did not reset the count: tries_left ${problem.tries_left}`);
    expectProblem(await pinCheck('12a4'), 422, 'invalid_request', 'a PIN that is not 4 digits');
    expectStatus(await pinCheck(CANNED_PIN), 204, 'the right PIN at the end');
  },

  'training.visual-visit': async (ctx) => {
    ctx.need('readers');
    const token = await ctx.token('general');
    const person = taro(await people(ctx, token));
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'visual', { fresh: true });
    const opened = await ctx.request('POST', `/readers/${encodeURIComponent(reader.id)}/visual-checks`, {
      token,
      json: { qualification_date: tokyoDate(ctx.endpointNow()) },
    });
    expectStatus(opened, 201, 'opening a visual check');
    const answer = await visit(ctx, token, { reader_id: reader.id, person_id: person.id, method: 'visual', consents: NO_CONSENTS });
    expectStatus(answer, 201, 'a visual visit');
    const state = await ctx.request('GET', `/readers/${encodeURIComponent(reader.id)}/visual-checks/${encodeURIComponent(opened.json.id)}`, { token });
    expectStatus(state, 200, 'the completed check');
    check(state.json.state === 'completed', `the check is ${state.json.state}, not completed`);
    check(state.json.history_id === answer.json.history_id, `the check names result ${state.json.history_id}, not ${answer.json.history_id}`);
    const listed = await ctx.request('GET', '/readers', { token });
    expectStatus(listed, 200, 'listing readers after the visit');
    const after = listed.json.readers.find((r) => r.id === reader.id);
    check(after.mode === 'visual', `the reader left 目視確認 by itself (${after.mode})`);
    check(!after.pending_visual_check, `the reader still has a pending check: ${JSON.stringify(after.pending_visual_check)}`);
    check(after.completed_visual_check?.id === opened.json.id, `the reader does not show the completed check: ${JSON.stringify(after.completed_visual_check)}`);
    const switched = await ctx.request('PUT', `/readers/${encodeURIComponent(reader.id)}/mode`, {
      token,
      json: { mode: 'unattended' },
      headers: { 'If-Match': after.etag },
    });
    expectStatus(switched, 200, 'switching back to unattended');
    check(!switched.json.completed_visual_check, `the completed check outlived the mode: ${JSON.stringify(switched.json.completed_visual_check)}`);
  },

  'training.staff-mode': async (ctx) => {
    ctx.need('passcode', 'readers');
    const signedIn = await ctx.session('general');
    const token = signedIn.token;
    const reader = await useReader(ctx, token, 1);
    await ensureMode(ctx, token, reader.id, 'unattended');
    const issued = await ctx.request('POST', '/visual-check-passcode', { token });
    expectStatus(issued, 201, 'issuing a passcode');
    const passcode = issued.json.passcode;
    const wrong = String((Number(passcode) + 1) % 10000).padStart(4, '0');
    const path = `/training/readers/${encodeURIComponent(reader.id)}/staff-mode`;
    const refused = await ctx.request('POST', path, { token, json: { user_id: signedIn.account.id, passcode: wrong } });
    expectProblem(refused, 403, 'passcode_invalid', 'a wrong passcode');
    const pressed = await ctx.request('POST', path, { token, json: { user_id: signedIn.account.id, passcode } });
    expectStatus(pressed, 200, 'the issued passcode');
    check(pressed.json.mode === 'visual', `the reader is in ${pressed.json.mode}, not visual`);
    const pending = pressed.json.pending_visual_check;
    check(pending && pending.state === 'pending', `no pending visual check: ${JSON.stringify(pending)}`);
    check(pending.user_id === signedIn.account.id, `the check is by ${pending.user_id}, not ${signedIn.account.id}`);
    check(pending.qualification_date === tokyoDate(ctx.endpointNow()), `the check is for ${pending.qualification_date}, not today`);
  },

  'training.cancel': async (ctx) => {
    const token = await ctx.token('general');
    let readerId;
    let checkId;
    if (ctx.has('readers')) {
      const reader = await useReader(ctx, token, 1);
      readerId = reader.id;
      await ensureMode(ctx, token, readerId, 'visual', { fresh: true });
      const opened = await ctx.request('POST', `/readers/${encodeURIComponent(readerId)}/visual-checks`, {
        token,
        json: { qualification_date: tokyoDate(ctx.endpointNow()) },
      });
      expectStatus(opened, 201, 'opening a visual check to cancel');
      checkId = opened.json.id;
    } else {
      skip('needs group readers to pick a reader');
    }
    const answer = await ctx.request('POST', `/training/readers/${encodeURIComponent(readerId)}/cancel`, { token });
    expectStatus(answer, 200, '「中止」');
    check(answer.json.mode === 'unattended', `the reader is in ${answer.json.mode}, not unattended`);
    check(!answer.json.pending_visual_check, `the reader still has a pending check: ${JSON.stringify(answer.json.pending_visual_check)}`);
    const state = await ctx.request('GET', `/readers/${encodeURIComponent(readerId)}/visual-checks/${encodeURIComponent(checkId)}`, { token });
    expectStatus(state, 200, 'the dropped check');
    check(state.json.state === 'cancelled', `the dropped check is ${state.json.state}, not cancelled`);
  },

  'training.clock': async (ctx) => {
    if (!ctx.has('passcode') || !ctx.accounts.general) skip('needs group passcode and a general account to read the time back (issued_at)');
    await ctx.syncClock();
    // Forward by two minutes (well inside the 30-minute idle limit of the suite's sessions).
    const target = Math.ceil((ctx.endpointNow() + 2 * 60 * 1000) / 1000) * 1000;
    const started = Date.now();
    await ctx.setClock(target); // PUT /training/clock, 204 expected
    const issued = await ctx.request('POST', '/visual-check-passcode', { token: await ctx.token('general') });
    expectStatus(issued, 201, 'a passcode after setting the clock');
    const at = parseTime(issued.json.issued_at, 'issued_at');
    const slack = Date.now() - started + 2000;
    check(at >= target - 1000 && at <= target + slack, `issued_at ${issued.json.issued_at} is not the time set (${new Date(target).toISOString()})`);
  },

  'training.requests': async (ctx) => {
    // The counter counts what it is handed, this request included (decisions.md D3).
    const read = async (what) => {
      const answer = await ctx.request('GET', '/training/requests');
      expectStatus(answer, 200, `GET /training/requests without a session (${what})`);
      const { since, requests } = answer.json;
      check(Array.isArray(requests), `${what}: requests is ${JSON.stringify(requests)}, not a list`);
      const at = parseTime(since, `${what}: since`);
      const latest = Math.max(Date.now(), ctx.endpointNow()) + 60 * 1000;
      check(at <= latest, `${what}: since ${since} is after the endpoint's now`);
      for (const r of requests) {
        check(typeof r.method === 'string' && typeof r.path === 'string' && Number.isInteger(r.count) && r.count > 0,
          `${what}: an entry is not a method, a path and a positive count: ${JSON.stringify(r)}`);
      }
      const keys = requests.map((r) => [r.path, r.method]);
      const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      check(JSON.stringify(keys) === JSON.stringify(sorted), `${what}: the entries are not sorted by path, then method: ${JSON.stringify(keys)}`);
      check(new Set(keys.map((k) => k.join(' '))).size === keys.length, `${what}: a method and path is listed twice`);
      const count = (method, path) => requests.find((r) => r.method === method && r.path === path)?.count ?? 0;
      return { since, count };
    };
    const before = await read('first');
    check(before.count('GET', '/training/requests') >= 1, 'the first answer does not count itself');
    for (let i = 0; i < 3; i += 1) {
      expectStatus(await ctx.request('GET', '/capabilities'), 200, 'GET /capabilities');
    }
    const after = await read('second');
    check(after.since === before.since, `since moved from ${before.since} to ${after.since}`);
    const capabilities = after.count('GET', '/capabilities') - before.count('GET', '/capabilities');
    check(capabilities === 3, `three GET /capabilities raised its count by ${capabilities}`);
    const itself = after.count('GET', '/training/requests') - before.count('GET', '/training/requests');
    check(itself === 1, `a second GET /training/requests raised its own count by ${itself}, not 1`);
  },

  'training.clock.session': async (ctx) => {
    // The clock moves idle, lockout and idempotency time for everyone: nobody without a session may
    // move it (decisions.md D1).
    const json = { now: tokyoRfc3339(ctx.endpointNow() + 24 * 60 * 60 * 1000) };
    const anonymous = await ctx.request('PUT', '/training/clock', { json });
    expectProblem(anonymous, 401, 'unauthenticated', 'moving the clock without a session');
    const forged = await ctx.request('PUT', '/training/clock', { token: 'not-a-session-token', json });
    expectProblem(forged, 401, 'unauthenticated', 'moving the clock with a token no session has');
  },
};
