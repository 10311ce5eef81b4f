// The qualification group: POST /qualifications with hand-written OQSsiquc01req messages.
import { check, expectProblem, expectXml, skip } from '../lib/context.mjs';
import { history, inquire, lastEventId, recentFrom } from '../lib/steps.mjs';
import { declaredEncoding, element, isShiftJis } from '../lib/xml.mjs';

/** A 10-digit institution code that is not the endpoint's. */
function otherInstitution(code) {
  return code === '0110113719' ? '0110113727' : '0110113719';
}

export const clauses = {
  'qualification.valid': async (ctx) => {
    const token = await ctx.token('general');
    const answer = await inquire(ctx, token);
    const xml = expectXml(answer, 'an inquiry for a valid card');
    check(element(xml, 'QualificationValidity') === '1', `QualificationValidity is ${element(xml, 'QualificationValidity')}, not 1: ${answer.describe()}`);
    const encoding = declaredEncoding(answer.bytes);
    check(encoding === null || /^utf-?8$/i.test(encoding), `a UTF-8 request was answered in ${encoding}`);
    const segment = element(xml, 'SegmentOfResult');
    check(segment === null || segment === '1', `SegmentOfResult is ${segment} for a valid card`);
    if (ctx.training) {
      check(element(xml, 'Name') === '新橋　太郎', `the training answer names ${element(xml, 'Name')}, not 新橋　太郎`);
    }
  },

  'qualification.encoding': async (ctx) => {
    const token = await ctx.token('general');
    const answer = await inquire(ctx, token, { encoding: 'Shift_JIS', fileId: ctx.uid('sjis-') });
    expectXml(answer, 'a Shift_JIS inquiry');
    const encoding = declaredEncoding(answer.bytes);
    check(isShiftJis(encoding), `a Shift_JIS request was answered with the declaration encoding=${JSON.stringify(encoding)}`);
    const xml = answer.text; // decoded as Shift_JIS
    check(element(xml, 'CharacterCodeIdentifier') === '1', `CharacterCodeIdentifier is ${element(xml, 'CharacterCodeIdentifier')}, not 1`);
    if (ctx.training) {
      // The name can only read back as 新橋　太郎 if the bytes really are Shift_JIS.
      check(element(xml, 'Name') === '新橋　太郎', `the answer's Name reads ${JSON.stringify(element(xml, 'Name'))} as Shift_JIS`);
    }
    let utf8 = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(answer.bytes);
    } catch {
      utf8 = false;
    }
    // eslint-disable-next-line no-control-regex
    const ascii = /^[\x00-\x7f]*$/.test(Buffer.from(answer.bytes).toString('latin1'));
    check(ascii || !utf8, 'the answer declares Shift_JIS but its non-ASCII bytes are UTF-8');
  },

  'qualification.business-error': async (ctx) => {
    const token = await ctx.token('general');
    const answer = await inquire(ctx, token, { institution: otherInstitution(await ctx.institution()) });
    const xml = expectXml(answer, 'an inquiry for another institution');
    check(element(xml, 'SegmentOfResult') === '9', `SegmentOfResult is ${element(xml, 'SegmentOfResult')}, not 9`);
  },

  'qualification.malformed': async (ctx) => {
    const token = await ctx.token('general');
    const notXml = await ctx.request('POST', '/qualifications', {
      token,
      body: Buffer.from('this is not XML at all'),
      contentType: 'application/xml',
    });
    expectProblem(notXml, 400, 'malformed_body', 'a body that is not XML');
    const json = await ctx.request('POST', '/qualifications', {
      token,
      json: { InsurerNumber: '06139000' },
    });
    expectProblem(json, 415, 'unsupported_media_type', 'a JSON body');
  },

  'qualification.idempotent': async (ctx) => {
    const token = await ctx.token('general');
    const key = ctx.idempotencyKey();
    const fileId = ctx.uid('idem-');
    const from = recentFrom(ctx);
    const before = ctx.has('history') ? (await history(ctx, token, { from, per_page: 1 })).total : undefined;
    const first = await inquire(ctx, token, { key, fileId });
    expectXml(first, 'the first request with the key');
    const replay = await inquire(ctx, token, { key, fileId });
    expectXml(replay, 'the same key and body again');
    check(Buffer.compare(first.bytes, replay.bytes) === 0, 'the replay is not the first answer, byte for byte');
    check(replay.headers.get('idempotent-replayed') === 'true', `the replay lacks Idempotent-Replayed: true (got ${replay.headers.get('idempotent-replayed')})`);
    if (before !== undefined) {
      const after = (await history(ctx, token, { from, per_page: 1 })).total;
      check(after - before === 1, `history gained ${after - before} entries for one request and its replay`);
    }
    const other = await inquire(ctx, token, { key, fileId: ctx.uid('idem-other-') });
    expectProblem(other, 422, 'idempotency_key_reused', 'the same key with another body');
  },

  'qualification.idempotent-caller': async (ctx) => {
    const token = await ctx.token('general');
    const key = ctx.idempotencyKey();
    const fileId = ctx.uid('caller-');
    expectXml(await inquire(ctx, token, { key, fileId }), 'the request with the key');
    const anonymous = await inquire(ctx, undefined, { key, fileId });
    expectProblem(anonymous, 401, 'unauthenticated', 'the same key and body without a token');
    check(anonymous.headers.get('idempotent-replayed') === null, 'the 401 says Idempotent-Replayed');
  },

  'qualification.shift-jis-unrepresentable': async (ctx) => {
    if (!ctx.has('history')) skip('needs group history to see that history gains nothing');
    const token = await ctx.token('general');
    const from = recentFrom(ctx);
    const before = (await history(ctx, token, { from, per_page: 1 })).total;
    const lastEvent = ctx.has('events') ? await lastEventId(ctx, token) : undefined;
    // 𠮷 (U+20BB7) has no Shift_JIS form; the message's own bytes are plain ASCII.
    const answer = await inquire(ctx, token, { encoding: 'Shift_JIS', fileIdRaw: '&#x20BB7;' });
    const problem = expectProblem(answer, 422, 'invalid_request', 'a Shift_JIS request carrying &#x20BB7;');
    const fields = (problem.errors ?? []).map((e) => e.field);
    check(fields.includes('ArbitraryFileIdentifier'), `the 422 does not name ArbitraryFileIdentifier: ${answer.describe()}`);
    const after = (await history(ctx, token, { from, per_page: 1 })).total;
    check(after === before, `history gained ${after - before} entries from the refused request`);
    if (lastEvent !== undefined) {
      const now = await lastEventId(ctx, token);
      check(now === lastEvent, `the event backlog grew from ${lastEvent} to ${now} for the refused request`);
    }
  },
};
