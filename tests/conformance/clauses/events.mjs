// The events group: the backlog after an id.
import { check, expectStatus, skip } from '../lib/context.mjs';
import { eventsAfter, inquire, lastEventId, streamedIds } from '../lib/steps.mjs';

/** The most events one page of GET /events holds (its `limit`'s maximum). */
const PAGE = 1000;

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
    check(lastId === events[events.length - 1].id, `last_id ${lastId} is not the newest event ${events[events.length - 1].id}`);
    const event = results[results.length - 1];
    check(Number.isInteger(event.data?.history_id), `the qualification event carries no history_id: ${JSON.stringify(event.data)}`);
    const after = await ctx.request('GET', '/events', { token, query: { after: lastId } });
    expectStatus(after, 200, `GET /events?after=${lastId}`);
    check(after.json.events.length === 0, `after=last_id answered ${after.json.events.length} events`);
    check(after.json.last_id === lastId, `after=last_id moved last_id from ${lastId} to ${after.json.last_id}`);
  },
  'events.resume': async (ctx) => {
    if (!ctx.has('qualification')) skip('needs group qualification to make new events');
    const token = await ctx.token('general');
    const start = await lastEventId(ctx, token);
    // More new events than a page holds: every one must come back once, in order, page after page
    // and over the stream, whichever way the backlog is read.
    const wanted = PAGE + 1;
    let made = 0;
    const inquirer = async () => {
      while (made < wanted) {
        made += 1;
        expectStatus(await inquire(ctx, token, { fileId: ctx.uid('resume-') }), 200, 'an inquiry');
      }
    };
    await Promise.all(Array.from({ length: 8 }, inquirer));
    const newest = await lastEventId(ctx, token);
    check(newest - start >= wanted, `only ${newest - start} events after ${start}`);
    const expectOnce = (ids, how) => {
      for (let i = 1; i < ids.length; i += 1) check(ids[i] > ids[i - 1], `${how}: ${ids[i]} after ${ids[i - 1]}`);
      check(ids[0] > start && ids[ids.length - 1] === newest, `${how}: from ${ids[0]} to ${ids[ids.length - 1]}, not ${start + 1}… ${newest}`);
    };
    const paged = (await eventsAfter(ctx, token, start)).events.map((e) => e.id).filter((id) => id <= newest);
    check(paged.length >= wanted, `the pages held ${paged.length} events, not ${wanted}`);
    expectOnce(paged, 'pages of the default size');
    const small = (await eventsAfter(ctx, token, start, { limit: 97 })).events.map((e) => e.id).filter((id) => id <= newest);
    check(JSON.stringify(small) === JSON.stringify(paged), 'pages of 97 events read another sequence');
    const streamed = await streamedIds(ctx, token, start, newest);
    check(JSON.stringify(streamed) === JSON.stringify(paged), `the stream from ${start} delivered ${streamed.length} events, the pages ${paged.length}`);
    // A reconnect in the middle resumes right after the id it names.
    const middle = paged[Math.floor(paged.length / 2)];
    const resumed = await streamedIds(ctx, token, middle, newest);
    check(JSON.stringify(resumed) === JSON.stringify(paged.filter((id) => id > middle)), `the stream from ${middle} skipped or repeated events`);
  },
};
