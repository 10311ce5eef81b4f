// Polling assertions: the app renders asynchronously, so a check waits (a little) for its condition.
import assert from 'node:assert/strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `read()` returns a value deep-equal to `expected`, then asserts it. */
export async function eventually(read, expected, { timeout = 5_000, message } = {}) {
  const deadline = Date.now() + timeout;
  let actual;
  for (;;) {
    actual = await read();
    try {
      assert.deepEqual(actual, expected, message);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(50);
  }
}

/** Waits until the locator's trimmed text equals `expected`. */
export async function expectText(locator, expected, options) {
  await eventually(async () => ((await locator.textContent({ timeout: 5_000 })) ?? '').trim(), expected, options);
}
