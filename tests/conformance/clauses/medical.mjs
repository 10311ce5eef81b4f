// The medical_info group: 同意済み患者一覧 (医療情報閲覧 accounts only), drugs and checkups as XML.
import { check, expectProblem, expectStatus, expectXml } from '../lib/context.mjs';
import { medicalReq } from '../lib/messages.mjs';
import { element } from '../lib/xml.mjs';

async function ask(ctx, path) {
  const token = await ctx.token('medical_viewer');
  return ctx.request('POST', path, {
    token,
    body: medicalReq({ institution: await ctx.institution(), card: ctx.patient(), fileId: ctx.uid('med-') }),
    contentType: 'application/xml',
  });
}

export const clauses = {
  'medical.patients': async (ctx) => {
    ctx.account('medical_viewer');
    ctx.account('general');
    const viewer = await ctx.request('GET', '/medical-info/patients', { token: await ctx.token('medical_viewer') });
    expectStatus(viewer, 200, 'a medical_viewer account');
    check(Array.isArray(viewer.json.items), 'items is not a list');
    const general = await ctx.request('GET', '/medical-info/patients', { token: await ctx.token('general') });
    expectProblem(general, 403, 'forbidden', 'a general account');
  },

  'medical.drugs': async (ctx) => {
    const xml = expectXml(await ask(ctx, '/medical-info/drugs'), 'YZKsiquc01req');
    const code = element(xml, 'ResultCode');
    check(code !== null && code.trim() !== '', 'the drug result has no ResultCode');
  },

  'medical.checkups': async (ctx) => {
    const xml = expectXml(await ask(ctx, '/medical-info/checkups'), 'TKKsiquc01req');
    const code = element(xml, 'ResultCode');
    check(code !== null && code.trim() !== '', 'the checkup result has no ResultCode');
  },
};
