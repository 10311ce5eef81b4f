// Writes .br and .gz beside each text and wasm file of the built app, for the server's precompressed
// responses: the app's, the training world's (onshi_training.js, onshi_training_bg.wasm) and the
// stamped service worker (sw.js). Trunk replaces dist/ on every build, so no stale copy can outlive its original.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const compressible = /\.(html|js|css|wasm|svg|json)$/;
for (const name of readdirSync(dir)) {
  if (!compressible.test(name)) continue;
  const file = path.join(dir, name);
  const raw = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }));
  writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
}
