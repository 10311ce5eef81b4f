// Stamps the built service worker (dist/sw.js) with a build id: a hash of every other built file, so
// that each build's worker is a new worker (the browser installs it) with a shell cache of its own.
// Run after trunk and before precompress.mjs, which then compresses the stamped file.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'dist';
const placeholder = '__ONSHI_BUILD_ID__';
const worker = path.join(dir, 'sw.js');
const hash = createHash('sha256');
for (const name of readdirSync(dir).sort()) {
  // The worker itself and compressed copies of a previous run are not the build's content.
  if (name === 'sw.js' || /\.(br|gz)$/.test(name)) continue;
  hash.update(name);
  hash.update('\0');
  hash.update(readFileSync(path.join(dir, name)));
  hash.update('\0');
}
const id = hash.digest('hex').slice(0, 16);
const source = readFileSync(worker, 'utf8');
if (!source.includes(placeholder)) {
  console.error(`stamp-sw: ${worker} has no ${placeholder} to replace`);
  process.exit(1);
}
writeFileSync(worker, source.replaceAll(placeholder, id));
console.log(`stamp-sw: build ${id}`);
