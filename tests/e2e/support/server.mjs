// Starts onshi-server on a free loopback port, serving the built app, and stops it afterwards.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Starts the server; resolves to { url, stop(), stdoutLines() } once it prints its address. `listen`
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
