// The reference_numbers group: 照会番号登録 (OQSsiimm01req), carried by later results.
import { check, expectXml, skip } from '../lib/context.mjs';
import { siimm01req, TRAINING_TARO_2 } from '../lib/messages.mjs';
import { inquire } from '../lib/steps.mjs';
import { element } from '../lib/xml.mjs';

export const clauses = {
  'reference.register': async (ctx) => {
    if (!ctx.has('qualification')) skip('needs group qualification to see that later results carry the number');
    // On a training endpoint the second 新橋 太郎, so seed 000's number of the first stays as it is.
    const card = ctx.training && !ctx.configuredPatient ? TRAINING_TARO_2 : ctx.patient();
    const token = await ctx.token('general');
    const reference = ctx.uid('R-');
    const answer = await ctx.request('POST', '/reference-numbers', {
      token,
      body: siimm01req({ institution: await ctx.institution(), reference, card, fileId: ctx.uid('ref-') }),
      contentType: 'application/xml',
    });
    const xml = expectXml(answer, 'OQSsiimm01req');
    check(element(xml, 'ProcessingResultStatus') === '1', `ProcessingResultStatus is ${element(xml, 'ProcessingResultStatus')}, not 1: ${answer.describe()}`);
    const later = expectXml(await inquire(ctx, token, { card }), 'a later inquiry for the card');
    const carried = element(later, 'ReferenceNumber');
    check(carried === reference, `the later result carries ReferenceNumber ${JSON.stringify(carried)}, not ${reference}`);
  },
};
