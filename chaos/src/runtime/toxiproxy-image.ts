/**
 * The image of our toxiproxy-compatible server, from docker/Dockerfile.toxiproxy: the server
 * bundled into one file, on the given base image (the local one where no registry is reachable).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildToxiproxyBundle } from '../toxiproxy';
import { buildImage, DEFAULT_BASE_IMAGE } from './container-engine';

export const DEFAULT_TOXIPROXY_IMAGE = 'localhost/statestore-ha-toxiproxy:dev';
const DOCKERFILE = path.resolve(__dirname, '../../../docker/Dockerfile.toxiproxy');

export async function buildToxiproxyImage(options: { tag?: string; baseImage?: string } = {}): Promise<string> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-image-'));
  try {
    await buildToxiproxyBundle(path.join(context, 'main.js'));
    fs.copyFileSync(DOCKERFILE, path.join(context, 'Dockerfile'));
    return await buildImage({ context, dockerfile: 'Dockerfile', tag: options.tag ?? DEFAULT_TOXIPROXY_IMAGE, buildArgs: { BASE_IMAGE: options.baseImage ?? DEFAULT_BASE_IMAGE } });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
