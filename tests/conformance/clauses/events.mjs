// The events group: the backlog after an id.
import { check, expectStatus, skip } from '../lib/context.mjs';
import { eventsAfter, inquire, lastEventId } from '../lib/steps.mjs';

export const clauses = {
  'events.backlog': async (ctx) => {
    if (!ctx.has('qualification')) skip('needs group qualification to make a new result');
    const token = await ctx.token('general');
    const last = await lastEventId(ctx, token);
    check(Number.isInteger(last) && last >= 0, `last_id is ${last}`);
    expectStatus(await inquire(ctx, token, { fileId: ctx.uid('event-') }), 200, 'the inquiry');
    const { events, lastId } = await eventsAfter(ctx, token, last);
    const results = events.filter((e) => e.kind === 'qualification');
    check(results.length >= 1, `no qualification event after ${last} (events: ${events.map((e) => e.kind).join(', ') || 'none'})`);
    for (const e of events) check(e.id > last, `event ${e.id} is not after ${last}`);
    for (let i = 1; i < events.length; i += 1) check(events[i].id > events[i - 1].id, 'event ids do not increase');
    check(lastId >= events[events.length - 1].id, `last_id ${lastId} is below the newest event ${events[events.length - 1].id}`);
    const event = results[results.length - 1];
    check(Number.isInteger(event.data?.history_id), `the qualification event carries no history_id: ${JSON.stringify(event.data)}`);
    const after = await ctx.request('GET', '/events', { token, query: { after: lastId } });
    expectStatus(after, 200, `GET /events?after=${lastId}`);
    check(after.json.events.length === 0, `after=last_id answered ${after.json.events.length} events`);
    check(after.json.last_id === lastId, `after=last_id moved last_id from ${lastId} to ${after.json.last_id}`);
  },
};
