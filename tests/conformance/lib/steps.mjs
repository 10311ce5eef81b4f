// Steps several clauses share: an inquiry, history totals, the event backlog, and readers put into a
// mode (and back afterwards).
import { siquc01req } from './messages.mjs';
import { check, expectStatus, tokyoCompactDate, tokyoRfc3339 } from './context.mjs';

/** POST /qualifications with a hand-written OQSsiquc01req for `card` (the patient by default). */
export async function inquire(ctx, token, { card, encoding = 'UTF-8', fileId, fileIdRaw, institution, key, headers = {} } = {}) {
  const body = siquc01req({
    institution: institution ?? (await ctx.institution()),
    date: tokyoCompactDate(ctx.endpointNow()),
    card: card ?? ctx.patient(),
    fileId,
    fileIdRaw,
    encoding,
  });
  const sent = { ...headers };
  if (key) sent['Idempotency-Key'] = key;
  return ctx.request('POST', '/qualifications', { token, body, contentType: 'application/xml', headers: sent });
}

/** A `from` bound a little before now, for counting what a clause adds to history. */
export function recentFrom(ctx, backMs = 10 * 60 * 1000) {
  return tokyoRfc3339(Math.floor((ctx.endpointNow() - backMs) / 1000) * 1000);
}

/** GET /qualifications from `from`: the page (200 expected). */
export async function history(ctx, token, query) {
  const answer = await ctx.request('GET', '/qualifications', { token, query });
  expectStatus(answer, 200, 'searching history');
  return answer.json;
}

/** The newest event id (GET /events?limit=1's last_id). */
export async function lastEventId(ctx, token) {
  const answer = await ctx.request('GET', '/events', { token, query: { limit: 1 } });
  expectStatus(answer, 200, 'reading the event backlog');
  return answer.json.last_id;
}

/** Every event after `after`, reading page after page. */
export async function eventsAfter(ctx, token, after) {
  const events = [];
  let from = after;
  for (let pages = 0; pages < 100; pages += 1) {
    const answer = await ctx.request('GET', '/events', { token, query: { after: from } });
    expectStatus(answer, 200, `reading events after ${from}`);
    const page = answer.json;
    events.push(...page.events);
    if (page.events.length === 0) return { events, lastId: page.last_id };
    from = page.events[page.events.length - 1].id;
  }
  return { events, lastId: from };
}

/** GET /readers: the readers. */
export async function readers(ctx, token) {
  const answer = await ctx.request('GET', '/readers', { token });
  expectStatus(answer, 200, 'listing readers');
  return answer.json.readers;
}

async function reader(ctx, token, id) {
  const found = (await readers(ctx, token)).find((r) => r.id === id);
  check(found, `reader ${id} is no longer listed by GET /readers`);
  return found;
}

async function putMode(ctx, token, id, etag, mode) {
  const answer = await ctx.request('PUT', `/readers/${encodeURIComponent(id)}/mode`, {
    token,
    json: { mode },
    headers: { 'If-Match': etag },
  });
  expectStatus(answer, 200, `switching reader ${id} to ${mode}`);
  return answer.json;
}

/**
 * Puts a reader into `mode` through PUT /readers/{id}/mode. With `fresh`, a reader already in visual
 * mode with a pending check is switched out and back, so that a new check can be opened.
 */
export async function ensureMode(ctx, token, id, mode, { fresh = false } = {}) {
  let current = await reader(ctx, token, id);
  if (current.mode === mode && !(fresh && current.pending_visual_check)) return current;
  if (current.mode === mode) current = await putMode(ctx, token, id, current.etag, mode === 'unattended' ? 'pin_only' : 'unattended');
  return putMode(ctx, token, id, current.etag, mode);
}

/**
 * A reader for the clause (the `index`th listed, or the first), put back into the mode it was in when
 * the clause ends.
 */
export async function useReader(ctx, token, index = 0) {
  const list = await readers(ctx, token);
  check(list.length > 0, 'GET /readers lists no reader, so there is none to operate');
  const chosen = list[Math.min(index, list.length - 1)];
  const original = chosen.mode;
  ctx.defer(async () => {
    await ensureMode(ctx, await ctx.token('general'), chosen.id, original);
  });
  return chosen;
}
