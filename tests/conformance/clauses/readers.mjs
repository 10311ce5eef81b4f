// The readers group: modes with ETags (decisions.md D7) and visual checks.
import { check, expectProblem, expectStatus, skip, tokyoDate } from '../lib/context.mjs';
import { ensureMode, eventsAfter, lastEventId, readers, useReader } from '../lib/steps.mjs';

const MODES = ['unattended', 'pin_only', 'visual'];

/** A mode of the reader other than its current one. */
function otherMode(reader) {
  const offered = reader.modes.map((m) => m.mode);
  return offered.find((m) => m !== reader.mode && m !== 'visual') ?? offered.find((m) => m !== reader.mode);
}

function modePath(id) {
  return `/readers/${encodeURIComponent(id)}/mode`;
}

async function openCheck(ctx, token, id) {
  return ctx.request('POST', `/readers/${encodeURIComponent(id)}/visual-checks`, {
    token,
    json: { qualification_date: tokyoDate(ctx.endpointNow()) },
  });
}

export const clauses = {
  'readers.list': async (ctx) => {
    const token = await ctx.token('general');
    const list = await readers(ctx, token);
    check(list.length > 0, 'GET /readers lists no reader');
    const ids = new Set();
    for (const r of list) {
      check(!ids.has(r.id), `reader id ${r.id} is listed twice`);
      ids.add(r.id);
      const offered = r.modes.map((m) => m.mode);
      check(offered.includes(r.mode), `reader ${r.id} is in ${r.mode}, which its modes (${offered.join(', ')}) do not offer`);
      for (const mode of MODES) check(offered.includes(mode), `reader ${r.id} does not offer ${mode}`);
      check(r.etag.length > 0, `reader ${r.id} has an empty etag`);
    }
  },

  'readers.switch': async (ctx) => {
    const token = await ctx.token('general');
    const reader = await useReader(ctx, token);
    const target = otherMode(reader);
    const answer = await ctx.request('PUT', modePath(reader.id), { token, json: { mode: target }, headers: { 'If-Match': reader.etag } });
    expectStatus(answer, 200, `PUT ${target} with the current ETag`);
    check(answer.json.mode === target, `the reader is in ${answer.json.mode}, not ${target}`);
    check(answer.json.etag !== reader.etag, `the etag stayed ${reader.etag} after the change`);
    const header = answer.headers.get('etag');
    check(header === null || header === answer.json.etag, `the ETag header ${header} differs from the body's etag ${answer.json.etag}`);
    const listed = (await readers(ctx, token)).find((r) => r.id === reader.id);
    check(listed.etag === answer.json.etag && listed.mode === target, `GET /readers shows ${listed.mode} ${listed.etag}, not the change`);
  },

  'readers.stale': async (ctx) => {
    const token = await ctx.token('general');
    const reader = await useReader(ctx, token);
    const target = otherMode(reader);
    const changed = await ctx.request('PUT', modePath(reader.id), { token, json: { mode: target }, headers: { 'If-Match': reader.etag } });
    expectStatus(changed, 200, 'the change that makes the first ETag stale');
    const stale = await ctx.request('PUT', modePath(reader.id), { token, json: { mode: reader.mode }, headers: { 'If-Match': reader.etag } });
    expectProblem(stale, 412, 'precondition_failed', 'PUT with the stale ETag');
    const bare = await ctx.request('PUT', modePath(reader.id), { token, json: { mode: reader.mode } });
    expectProblem(bare, 428, 'precondition_required', 'PUT without If-Match');
    const now = (await readers(ctx, token)).find((r) => r.id === reader.id);
    check(now.mode === target, `a refused PUT changed the reader to ${now.mode}`);
  },

  'readers.etag-events': async (ctx) => {
    if (!ctx.has('events')) skip('needs group events to read the reader event');
    const token = await ctx.token('general');
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'visual', { fresh: true });
    const last = await lastEventId(ctx, token);
    expectStatus(await openCheck(ctx, token, reader.id), 201, 'opening a visual check');
    const current = (await readers(ctx, token)).find((r) => r.id === reader.id);
    const { events } = await eventsAfter(ctx, token, last);
    const readerEvents = events.filter((e) => e.kind === 'reader' && e.data?.reader_id === reader.id);
    check(readerEvents.length > 0, `no reader event after opening the check (events: ${events.map((e) => e.kind).join(', ') || 'none'})`);
    const newest = readerEvents[readerEvents.length - 1];
    check(newest.data.etag === current.etag, `the reader event carries etag ${newest.data.etag}, but the reader is at ${current.etag}`);
    // The event carries the reader as GET /readers shows it, the opened check included.
    // Compared with sorted keys: JSON objects are unordered, and stores may keep them either way.
    const canonical = (value) =>
      JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
    check(
      canonical(newest.data.reader) === canonical(current),
      `the reader event carries ${JSON.stringify(newest.data.reader)}, but GET /readers shows ${JSON.stringify(current)}`,
    );
  },

  'readers.visual-check': async (ctx) => {
    const token = await ctx.token('general');
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'visual', { fresh: true });
    const opened = await openCheck(ctx, token, reader.id);
    expectStatus(opened, 201, 'a reader in visual mode');
    const check1 = opened.json;
    check(check1.state === 'pending', `the new check is ${check1.state}, not pending`);
    check(check1.reader_id === reader.id, `the check is on ${check1.reader_id}, not ${reader.id}`);
    check(check1.qualification_date === tokyoDate(ctx.endpointNow()), `qualification_date is ${check1.qualification_date}`);
    const user = (await ctx.session('general')).account.id;
    check(check1.user_id === user, `the check's user_id is ${check1.user_id}, not ${user}`);
    await ensureMode(ctx, token, reader.id, 'unattended');
    const refused = await openCheck(ctx, token, reader.id);
    expectProblem(refused, 409, undefined, 'a reader in unattended mode');
  },

  'readers.visual-check-state': async (ctx) => {
    const token = await ctx.token('general');
    const reader = await useReader(ctx, token);
    await ensureMode(ctx, token, reader.id, 'visual', { fresh: true });
    const opened = await openCheck(ctx, token, reader.id);
    expectStatus(opened, 201, 'opening a check');
    const path = `/readers/${encodeURIComponent(reader.id)}/visual-checks/${encodeURIComponent(opened.json.id)}`;
    const state = await ctx.request('GET', path, { token });
    expectStatus(state, 200, `GET ${path}`);
    check(state.json.id === opened.json.id && state.json.state === 'pending', `the check reads ${JSON.stringify(state.json)}`);
    // Leaving visual mode cancels it, and its state says so.
    await ensureMode(ctx, token, reader.id, 'unattended');
    const after = await ctx.request('GET', path, { token });
    expectStatus(after, 200, `GET ${path} after leaving visual mode`);
    check(after.json.state === 'cancelled', `after leaving visual mode the check is ${after.json.state}, not cancelled`);
    const unknown = await ctx.request('GET', `/readers/${encodeURIComponent(reader.id)}/visual-checks/${ctx.uid('vc-none-')}`, { token });
    expectProblem(unknown, 404, 'not_found', 'an unknown check');
  },
};
