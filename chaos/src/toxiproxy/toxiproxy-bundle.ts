/**
 * Builds main.ts into one self-contained JS file (esbuild, as the apps are built), for the
 * child-process mode and for docker/Dockerfile.toxiproxy. chaos/scripts/build-toxiproxy.sh
 * does the same from the shell.
 */
import * as path from 'node:path';
import { build } from 'esbuild';

export async function buildToxiproxyBundle(outFile: string): Promise<string> {
  await build({
    entryPoints: [path.join(__dirname, 'main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  return outFile;
}
