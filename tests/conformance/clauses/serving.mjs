// How the endpoint is served, whatever the operation: a request naming a host the endpoint does not
// answer for is refused, so a page of another site that reached the endpoint's address through DNS
// rebinding gets nothing — neither the capabilities nor a sign-in.
import { expectProblem } from '../lib/context.mjs';

/** Names under the reserved `.example` domain (RFC 2606): no endpoint is configured with them. */
const FOREIGN_HOSTS = ['rebinding.example', 'rebinding.example:8080'];

export const clauses = {
  'serving.host': async (ctx) => {
    for (const host of FOREIGN_HOSTS) {
      const capabilities = await ctx.client.requestNamingHost('GET', '/capabilities', host);
      expectProblem(capabilities, 421, 'misdirected_request', `GET /capabilities with Host: ${host}`);
      const signIn = await ctx.client.requestNamingHost('POST', '/session', host, {
        json: { user_id: 'conformance-rebinding', password: 'Not*a*password*1' },
      });
      expectProblem(signIn, 421, 'misdirected_request', `POST /session with Host: ${host}`);
    }
  },
};
