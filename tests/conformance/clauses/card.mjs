// The card group (decisions.md D7): a challenge for the patient's My Number card, and the
// qualification the card's signature of it proves. The suite signs with a test card in software
// (lib/card.mjs), the way the card itself signs.
import { signLikeACard } from '../lib/card.mjs';
import { check, expectProblem, expectStatus, expectXml, parseTime, skip } from '../lib/context.mjs';
import { eventsAfter, lastEventId } from '../lib/steps.mjs';
import { element } from '../lib/xml.mjs';

const NO_CONSENTS = { medical: false, checkups: false, limit: false };

/** The longest the suite waits for a challenge to expire on an endpoint whose clock it cannot move. */
const LONGEST_WAIT_MS = 3 * 60 * 1000;

async function challenge(ctx, token) {
  const answer = await ctx.request('POST', '/challenges', { token });
  expectStatus(answer, 201, 'POST /challenges');
  return answer;
}

/** The nonce's bytes, checking that it is 32 bytes in standard padded base64. */
function nonceBytes(nonce) {
  const bytes = Buffer.from(nonce, 'base64');
  check(
    bytes.length === 32 && bytes.toString('base64') === nonce,
    `the nonce ${JSON.stringify(nonce)} is not 32 bytes in standard padded base64`,
  );
  return bytes;
}

/** The body after `card` signed `message` (the nonce's bytes by default). */
function proof(nonce, card, message = nonceBytes(nonce)) {
  return {
    nonce,
    certificate: card.certificate.toString('base64'),
    signature: signLikeACard(card, message).toString('base64'),
    consents: NO_CONSENTS,
  };
}

async function qualify(ctx, token, body, headers = {}) {
  return ctx.request('POST', '/qualifications/mynumber', { token, json: body, headers });
}

/** A fresh challenge signed by the test card. */
async function signedChallenge(ctx, token) {
  const card = ctx.card();
  const { json } = await challenge(ctx, token);
  return proof(json.nonce, card);
}

export const clauses = {
  'card.challenge': async (ctx) => {
    expectProblem(await ctx.request('POST', '/challenges'), 401, 'unauthenticated', 'POST /challenges without a token');
    const token = await ctx.token('general');
    const before = ctx.clockSettable ? ctx.endpointNow() : undefined;
    const first = await challenge(ctx, token);
    const after = ctx.clockSettable ? ctx.endpointNow() : undefined;
    nonceBytes(first.json.nonce);
    const expires = parseTime(first.json.expires_at, 'expires_at');
    // The endpoint's time: the suite's own view of a training clock, else the answer's Date header.
    const dated = Date.parse(first.headers.get('date') ?? '');
    const [from, to] = ctx.clockSettable ? [before, after] : [dated - 1000, dated + 1000];
    if (!Number.isFinite(from)) skip('cannot tell the endpoint\'s time: it sends no Date header and its clock is not settable');
    check(
      expires >= from + 59_000 && expires <= to + 61_000,
      `expires_at ${first.json.expires_at} is not 60 s after the endpoint's now (${new Date(from).toISOString()})`,
    );
    const second = await challenge(ctx, token);
    nonceBytes(second.json.nonce);
    check(second.json.nonce !== first.json.nonce, 'two challenges gave the same nonce');
  },

  'card.qualify': async (ctx) => {
    const signedIn = await ctx.session('general');
    const token = signedIn.token;
    const body = await signedChallenge(ctx, token);
    const last = ctx.has('events') ? await lastEventId(ctx, token) : undefined;
    const answer = await qualify(ctx, token, body);
    const xml = expectXml(answer, `the test card's proof (${ctx.card().files.certificate})`);
    check(element(xml, 'ReferenceClassification') === '1', `ReferenceClassification is ${element(xml, 'ReferenceClassification')}, not 1 (マイナンバーカード)`);
    check(element(xml, 'QualificationValidity') !== null, 'the answer carries no QualificationValidity');
    if (ctx.training && ctx.options.card?.certificate.endsWith('shinbashi-taro.crt.der')) {
      check(element(xml, 'QualificationValidity') === '1', `QualificationValidity is ${element(xml, 'QualificationValidity')}, not 1`);
      check(element(xml, 'Name') === '新橋　太郎', `the training answer names ${element(xml, 'Name')}, not 新橋　太郎`);
    }
    const location = answer.headers.get('content-location') ?? '';
    const match = /^\/onshi\/v1\/qualifications\/(\d+)$/.exec(location);
    check(match, `Content-Location is ${JSON.stringify(location)}, not /onshi/v1/qualifications/{id}`);
    const id = Number(match[1]);
    if (ctx.has('history')) {
      const detail = await ctx.request('GET', `/qualifications/${id}`, { token });
      expectStatus(detail, 200, `the recorded result GET /qualifications/${id}`);
      check(element(detail.text, 'ReferenceClassification') === '1', 'the recorded result is not a マイナンバーカード result');
      const page = await ctx.request('GET', '/qualifications', { token, query: { kind: 'my_number_card', per_page: 100 } });
      expectStatus(page, 200, 'searching history for マイナンバーカード results');
      const row = page.json.items.find((item) => item.id === id);
      check(row, `history item ${id} is not among today's マイナンバーカード results`);
      check(row.login_id === signedIn.account.id, `the history row names ${row.login_id}, not the caller ${signedIn.account.id}`);
      check(row.reader_id === null || row.reader_id === undefined, `the history row names reader ${row.reader_id}, but no reader was involved`);
    }
    if (ctx.has('events')) {
      const { events } = await eventsAfter(ctx, token, last);
      const event = events.find((e) => e.kind === 'qualification' && e.data?.history_id === id);
      check(event, `no qualification event for history ${id}`);
      check(event.data.reader_id === null || event.data.reader_id === undefined, `the event names reader ${event.data.reader_id}`);
    }
  },

  'card.single-use': async (ctx) => {
    const token = await ctx.token('general');
    const body = await signedChallenge(ctx, token);
    expectXml(await qualify(ctx, token, body), 'the first proof');
    expectProblem(await qualify(ctx, token, body), 422, 'challenge_unknown', 'the same nonce again');
    // A refused proof uses the nonce up too.
    const { json } = await challenge(ctx, token);
    const card = ctx.card();
    const wrong = proof(json.nonce, card, Buffer.from('not the nonce'));
    expectProblem(await qualify(ctx, token, wrong), 422, 'signature_invalid', 'a signature over another message');
    expectProblem(await qualify(ctx, token, proof(json.nonce, card)), 422, 'challenge_unknown', 'the right signature after a refused one');
  },

  'card.wrong-nonce': async (ctx) => {
    const token = await ctx.token('general');
    const card = ctx.card();
    const madeUp = Buffer.alloc(32, 0x5a);
    expectProblem(await qualify(ctx, token, proof(madeUp.toString('base64'), card)), 422, 'challenge_unknown', 'a nonce never issued');
    const short = Buffer.alloc(16, 0x5a).toString('base64');
    const problem = expectProblem(await qualify(ctx, token, proof(short, card, Buffer.alloc(16, 0x5a))), 422, 'invalid_request', 'a nonce of 16 bytes');
    check(problem.errors?.some((e) => e.field === 'nonce'), `the refusal does not name nonce: ${JSON.stringify(problem.errors)}`);
  },

  'card.expired': async (ctx) => {
    const token = await ctx.token('general');
    const issued = await challenge(ctx, token);
    const body = proof(issued.json.nonce, ctx.card());
    const expires = parseTime(issued.json.expires_at, 'expires_at');
    if (ctx.clockSettable) {
      await ctx.syncClock();
      await ctx.setClock(Math.max(expires, ctx.endpointNow()) + 1000);
    } else {
      // No clock to move: wait the minute out, by the answer's own Date header.
      const dated = Date.parse(issued.headers.get('date') ?? '');
      const wait = expires - (Number.isFinite(dated) ? dated : Date.now()) + 2000;
      if (wait > LONGEST_WAIT_MS) skip(`the challenge expires in ${Math.round(wait / 1000)} s, longer than the suite waits`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0)));
    }
    expectProblem(await qualify(ctx, token, body), 422, 'challenge_expired', 'a nonce after its 60 s');
  },

  'card.bad-signature': async (ctx) => {
    const token = await ctx.token('general');
    const { json } = await challenge(ctx, token);
    const other = Buffer.from(nonceBytes(json.nonce));
    other[0] ^= 0x01;
    const answer = await qualify(ctx, token, proof(json.nonce, ctx.card(), other));
    expectProblem(answer, 422, 'signature_invalid', 'a signature over another message');
  },

  'card.unknown-certificate': async (ctx) => {
    const token = await ctx.token('general');
    const { json } = await challenge(ctx, token);
    const answer = await qualify(ctx, token, proof(json.nonce, ctx.untrustedCard()));
    expectProblem(answer, 422, 'certificate_unknown', 'a card of a CA the endpoint does not trust');
  },
};
