// Starts onshi-server on a free loopback port, serving the built app, and stops it afterwards.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Starts the server; resolves to { url, pid, stop(), stdoutLines() } once it prints its address. `listen`
 * defaults to a free loopback port; a test that restarts the server passes the port it had, so the
 * page's origin (and its localStorage) stays the same. `stdoutLines()` gives what the server printed
 * on stdout so far, line by line (e.g. a bridge's first run shows master's initial password there,
 * and nowhere else).
 */
export async function startServer({
  binary = process.env.ONSHI_SERVER ?? path.join(repoRoot, 'target/debug/onshi-server'),
  appDir = process.env.ONSHI_APP_DIR ?? path.join(repoRoot, 'dist'),
  listen = '127.0.0.1:0',
  extraArgs = [],
} = {}) {
  const child = spawn(binary, ['--listen', listen, '--app-dir', appDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let stdout = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      // `https://` when the server was given --tls-cert and --tls-key.
      const match = stdout.match(/on (https?:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`onshi-server exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`onshi-server did not start: ${stderr}`)), 15_000).unref();
  });
  return {
    url,
    pid: child.pid,
    stdoutLines() {
      return stdout.split('\n').filter((line) => line !== '');
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * Sets a training endpoint's clock (decisions.md D1). Only a signed-in session may move it, so this
 * signs in as the training `master` — an account the browser tests that move the clock never use —
 * and signs out again; a move past the idle limit has already ended that session, which is fine.
 */
export async function setTrainingClock(url, instant) {
  const call = (method, route, { token, body } = {}) =>
    fetch(`${url}/onshi/v1${route}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const signedIn = await call('POST', '/session', {
    body: { user_id: 'master', password: 'Onshi*master*00', force: true },
  });
  if (signedIn.status !== 201) throw new Error(`signing in to set the clock: ${signedIn.status}`);
  const { token } = await signedIn.json();
  const set = await call('PUT', '/training/clock', { token, body: { now: instant.toISOString() } });
  if (set.status !== 204) throw new Error(`setting the training clock: ${set.status}`);
  await call('DELETE', '/session', { token });
}
