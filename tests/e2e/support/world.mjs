// The training world as the tests reach it: the service worker that answers the training endpoint's
// contract under `/training/onshi/v1` (decisions.md D3). Playwright's routing never sees what a
// service worker answers, and its clock does not reach into one, so the tests ask the world itself:
// its clock is moved through the training group's `PUT /training/clock` (D1), and "nothing was sent"
// is read from its request counter, `GET /training/requests`.

const BASE = '/training/onshi/v1';

/** Waits until a service worker controls `page` (the app registers it on its first load). */
export async function worldReady(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
}

/**
 * One contract request to the page's training world, sent from the page so that its service worker
 * answers it. Returns the status and the body (parsed when it is JSON).
 */
export async function worldCall(page, method, route, { token, body } = {}) {
  await worldReady(page);
  return page.evaluate(
    async ({ url, method, token, body }) => {
      const headers = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed };
    },
    { url: `${BASE}${route}`, method, token, body },
  );
}

/** The token of the session this tab holds, if any (the app keeps it per tab in sessionStorage). */
async function pageToken(page) {
  return page.evaluate(() => {
    const stored = sessionStorage.getItem('onshi.session');
    if (!stored) return null;
    try {
      return JSON.parse(stored).token ?? null;
    } catch {
      return null;
    }
  });
}

/**
 * Sets the training world's clock to `instant` (decisions.md D1), running on from it or, with
 * `fixed`, standing still there until it is set again. It needs a signed-in session: the tab's own
 * when it has one (so no other session is started or ended), else the training `master`'s, signed in
 * and out for the purpose.
 */
export async function setWorldClock(page, instant, { fixed = false } = {}) {
  const body = { now: new Date(instant).toISOString(), fixed };
  const own = await pageToken(page);
  if (own) {
    const set = await worldCall(page, 'PUT', '/training/clock', { token: own, body });
    if (set.status !== 204) throw new Error(`setting the training clock: ${set.status}`);
    return;
  }
  const signedIn = await worldCall(page, 'POST', '/session', {
    body: { user_id: 'master', password: 'Onshi*master*00', force: true },
  });
  if (signedIn.status !== 201) throw new Error(`signing in to set the clock: ${signedIn.status}`);
  const { token } = signedIn.body;
  const set = await worldCall(page, 'PUT', '/training/clock', { token, body });
  if (set.status !== 204) throw new Error(`setting the training clock: ${set.status}`);
  await worldCall(page, 'DELETE', '/session', { token });
}

/**
 * Fixes the page's clock and the training world's at `instant` together: the screens read the page
 * clock, the training dispatcher its own (decisions.md D1).
 */
export async function setTime(page, instant) {
  await page.clock.setFixedTime(new Date(instant));
  await setWorldClock(page, instant, { fixed: true });
}

/**
 * Runs the page's clock `duration` on (Playwright's `fastForward`, firing the screens' timers) and
 * then sets the training world's clock to where the page's is, running.
 */
export async function advanceTime(page, duration) {
  await page.clock.fastForward(duration);
  await setWorldClock(page, await page.evaluate(() => Date.now()));
}

/** Sets the training world's clock to the page's, running (a context whose page clock Playwright set). */
export async function syncWorldClock(page) {
  await setWorldClock(page, await page.evaluate(() => Date.now()));
}

/**
 * How many requests the training world has answered for `method` and the route's path pattern (e.g.
 * `POST`, `/qualifications`), with the instant its counter started (a restarted worker counts anew).
 */
export async function worldRequestCount(page, method, path) {
  const answer = await worldCall(page, 'GET', '/training/requests');
  if (answer.status !== 200) throw new Error(`reading the request counter: ${answer.status}`);
  const entry = answer.body.requests.find((r) => r.method === method && r.path === path);
  return { since: answer.body.since, count: entry ? entry.count : 0 };
}

/**
 * Stops every service worker of the browser, as Chromium does with idle ones (the DevTools
 * protocol's `ServiceWorker.stopAllWorkers`): the next request starts the world again from IndexedDB.
 */
export async function stopWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}
