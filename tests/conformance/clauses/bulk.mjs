// The bulk group: an upload answered with a reception number, and its result once processed.
import { check, expectProblem, expectStatus, expectXml, skip } from '../lib/context.mjs';
import { muquc01req } from '../lib/messages.mjs';
import { elements, element } from '../lib/xml.mjs';

async function submit(ctx, token, kind, cards) {
  return ctx.request('POST', `/bulk/${kind}`, {
    token,
    body: muquc01req({ institution: await ctx.institution(), cards, fileId: ctx.uid('bulk-') }),
    contentType: 'application/xml',
  });
}

/** Two searches: the patient, and a card nobody holds. */
function searches(ctx) {
  const patient = ctx.patient();
  return [patient, { ...patient, number: '99999999', branch: undefined, birthdate: '19000101' }];
}

export const clauses = {
  'bulk.submit': async (ctx) => {
    const token = await ctx.token('general');
    const answer = await submit(ctx, token, 'qualifications', searches(ctx));
    const xml = expectXml(answer, 'OQSmuquc01req');
    const reception = element(xml, 'ReceptionNumber');
    check(reception && reception.trim().length > 0, `no ReceptionNumber in the receipt: ${answer.describe()}`);
    const unknown = await submit(ctx, token, 'fax', searches(ctx));
    expectProblem(unknown, 404, 'not_found', 'POST /bulk/fax');
  },

  'bulk.result': async (ctx) => {
    const token = await ctx.token('general');
    const cards = searches(ctx);
    // The job's processing time is the endpoint's: set its clock now, and move it on below.
    await ctx.syncClock();
    const receipt = expectXml(await submit(ctx, token, 'qualifications', cards), 'the upload');
    const reception = element(receipt, 'ReceptionNumber');
    check(reception, 'the upload got no ReceptionNumber');
    const path = `/bulk/qualifications/${encodeURIComponent(reception)}`;
    const read = async (what) => {
      const answer = await ctx.request('GET', path, { token });
      const xml = expectXml(answer, what);
      const segment = element(xml, 'SegmentOfResult');
      check(segment === '1' || segment === '2', `${what}: SegmentOfResult is ${segment}, not 2 or 1`);
      return { xml, segment };
    };
    let result = await read('the result right after the upload');
    if (result.segment === '2') {
      check(elements(result.xml, 'BulkConfirmUnit').length === 0, 'a job still 処理中 already lists BulkConfirmUnit');
    }
    if (ctx.clockSettable) {
      // Seed 002's 「しばらく」: 30 s in the reference; then further, to bound the wait.
      for (const step of [31_000, 120_000, 600_000]) {
        if (result.segment === '1') break;
        await ctx.advanceClock(step);
        result = await read(`the result after moving the clock on by ${step / 1000} s`);
      }
      check(result.segment === '1', 'the job is still 処理中 after moving the training clock on by 12.5 minutes');
    } else {
      const limit = Date.now() + ctx.options.bulkTimeoutMs;
      while (result.segment === '2' && Date.now() < limit) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        result = await read('polling the result');
      }
      if (result.segment === '2') skip(`the job was still 処理中 after ${ctx.options.bulkTimeoutMs / 1000} s (--bulk-timeout)`);
    }
    const units = elements(result.xml, 'BulkConfirmUnit');
    check(units.length === cards.length, `the finished job has ${units.length} BulkConfirmUnit for ${cards.length} searches`);
    check(element(result.xml, 'ReceptionNumber') === reception, `the result names ReceptionNumber ${element(result.xml, 'ReceptionNumber')}, not ${reception}`);
    const unknown = await ctx.request('GET', `/bulk/qualifications/${encodeURIComponent(ctx.uid('none'))}`, { token });
    expectStatus(unknown, 404, 'an unknown reception number');
  },
};
