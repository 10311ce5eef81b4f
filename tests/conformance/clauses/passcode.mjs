// The passcode group: 目視確認用パスコード発行.
import { check, expectStatus, parseTime } from '../lib/context.mjs';

export const clauses = {
  'passcode.issue': async (ctx) => {
    const signedIn = await ctx.session('general');
    const answer = await ctx.request('POST', '/visual-check-passcode', { token: signedIn.token });
    expectStatus(answer, 201, 'POST /visual-check-passcode');
    const body = answer.json;
    check(/^[0-9]{4}$/.test(body.passcode), `the passcode is ${JSON.stringify(body.passcode)}, not 4 digits`);
    check(body.user_id === signedIn.account.id, `the passcode is for ${body.user_id}, not ${signedIn.account.id}`);
    parseTime(body.issued_at, 'issued_at');
  },
};
