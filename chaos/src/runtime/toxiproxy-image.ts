/**
 * The image of our toxiproxy-compatible server, from docker/Dockerfile.toxiproxy: the server
 * bundled into one file, on the given base image (the local one where no registry is reachable).
 * The build context is staged in a temporary directory, because the Dockerfile lives in docker/
 * and the bundle elsewhere.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildToxiproxyBundle } from '../toxiproxy';
import { buildImage, DEFAULT_BASE_IMAGE } from './container-engine';

export const DEFAULT_TOXIPROXY_IMAGE = 'localhost/statestore-ha-toxiproxy:dev';

export interface ToxiproxyImageOptions {
  /** The checkout holding docker/Dockerfile.toxiproxy. */
  readonly repoRoot: string;
  /** A built server (dist/chaos/toxiproxy/main.js); bundled from source when absent. */
  readonly mainJs?: string;
  readonly tag?: string;
  readonly baseImage?: string;
}

export async function buildToxiproxyImage(options: ToxiproxyImageOptions): Promise<string> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-image-'));
  try {
    const mainJs = path.join(context, 'main.js');
    if (options.mainJs) fs.copyFileSync(options.mainJs, mainJs);
    else await buildToxiproxyBundle(mainJs);
    fs.copyFileSync(path.join(options.repoRoot, 'docker', 'Dockerfile.toxiproxy'), path.join(context, 'Dockerfile'));
    return await buildImage({ context, dockerfile: 'Dockerfile', tag: options.tag ?? DEFAULT_TOXIPROXY_IMAGE, buildArgs: { BASE_IMAGE: options.baseImage ?? DEFAULT_BASE_IMAGE } });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
