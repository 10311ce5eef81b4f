// One server and one browser per test file, started before its tests and stopped after them.
import { after, before } from 'node:test';
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

/**
 * Registers the file's before/after hooks; the returned object holds `server` and `browser`.
 * `serverArgs` go to onshi-server, e.g. `['--training']` for the reference endpoint beside the app.
 */
export function appUnderTest({ serverArgs = [] } = {}) {
  const app = { server: undefined, browser: undefined };
  before(async () => {
    app.server = await startServer({ extraArgs: serverArgs });
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}
