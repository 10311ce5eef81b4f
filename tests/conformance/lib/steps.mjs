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

/** The newest event id there is (GET /events?limit=1's newest_id). */
export async function lastEventId(ctx, token) {
  const answer = await ctx.request('GET', '/events', { token, query: { limit: 1 } });
  expectStatus(answer, 200, 'reading the event backlog');
  return answer.json.newest_id;
}

/**
 * Every event after `after`, reading page after page, each resumed from the page before's `last_id`
 * as the contract says (decisions.md D7); `limit` sets the page size. Checks on the way that each
 * page's `last_id` is its last event's id (or `after` when empty).
 */
export async function eventsAfter(ctx, token, after, { limit } = {}) {
  const events = [];
  let from = after;
  for (let pages = 0; pages < 2000; pages += 1) {
    const answer = await ctx.request('GET', '/events', { token, query: { after: from, limit } });
    expectStatus(answer, 200, `reading events after ${from}`);
    const page = answer.json;
    const last = page.events.length ? page.events[page.events.length - 1].id : from;
    check(page.last_id === last, `the page after ${from} says last_id ${page.last_id}, its last event is ${last}`);
    events.push(...page.events);
    // An empty page ends the backlog; so does one that does not move on (an endpoint repeating
    // itself), whose repetition a clause that reads every id then sees.
    if (page.events.length === 0 || page.last_id <= from) return { events, lastId: page.last_id };
    from = page.last_id;
  }
  return { events, lastId: from };
}

/**
 * The ids the event stream (GET /events with Accept: text/event-stream, read with fetch) delivers
 * after `lastEventId`, up to and including `through`.
 */
export async function streamedIds(ctx, token, lastEventId, through) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 60_000);
  const ids = [];
  try {
    const response = await fetch(`${ctx.client.root}/events`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId) },
      signal: abort.signal,
    });
    check(response.status === 200, `the event stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = event.split('\n').find((line) => line.startsWith('id:'));
        if (id === undefined) continue;
        ids.push(Number(id.slice(3).trim()));
        if (ids[ids.length - 1] >= through) return ids;
      }
    }
    return ids;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
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
