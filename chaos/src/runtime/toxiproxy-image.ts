/**
 * The toxiproxy image of a containers run, the real server wherever it can be had:
 * 1. `$CHAOS_TOXIPROXY_IMAGE` when set (an image whose entrypoint serves the API on 8474);
 * 2. Shopify's toxiproxy-server binary when one is found (`$TOXIPROXY_SERVER_BIN`, else on
 *    `PATH`): built into a minimal image as upstream's own Dockerfile does (`FROM scratch`, the
 *    binary as /toxiproxy), or on the run's base image if the binary is not static;
 * 3. on Docker, the official `ghcr.io/shopify/toxiproxy` (testcontainers pulls it);
 * 4. otherwise (Podman with no registry and no binary) our stand-in, from docker/Dockerfile.toxiproxy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildToxiproxyBundle, findToxiproxyServerBinary, isStaticElf, toxiproxyBinaryVersion } from '../toxiproxy';
import { buildImage } from './container-engine';
import type { ContainerEngine } from './container-engine';

export const TOXIPROXY_IMAGE_ENV = 'CHAOS_TOXIPROXY_IMAGE';
/** The release the prebuilt binary of shared/tools is, and the CI's reference. */
export const OFFICIAL_TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';
export const DEFAULT_TOXIPROXY_IMAGE = 'localhost/statestore-ha-toxiproxy:dev';
/** Every choice serves the API here. */
export const TOXIPROXY_IMAGE_API_PORT = 8474;

export interface ToxiproxyImage {
  readonly image: string;
  /** Which server the image runs and where it came from, for the report. */
  readonly origin: string;
}

export interface ToxiproxyImageOptions {
  readonly engine: ContainerEngine;
  /** The checkout holding docker/Dockerfile.toxiproxy. */
  readonly repoRoot: string;
  /** Base image of the local images (ours, or a dynamically linked binary). */
  readonly baseImage: string;
  /** Our built server (dist/chaos/toxiproxy/main.js); bundled from source when absent. */
  readonly mainJs?: string;
  /** Tag suffix of images built for this run. */
  readonly tag?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Upstream's image runs `/toxiproxy -host=0.0.0.0`; the port is its default, said here explicitly. */
const REAL_COMMAND = ['-host=0.0.0.0', `-port=${TOXIPROXY_IMAGE_API_PORT}`];

export async function resolveToxiproxyImage(options: ToxiproxyImageOptions): Promise<ToxiproxyImage> {
  const env = options.env ?? process.env;
  const chosen = env[TOXIPROXY_IMAGE_ENV];
  if (chosen) return { image: chosen, origin: `image ${chosen} ($${TOXIPROXY_IMAGE_ENV})` };
  const binary = findToxiproxyServerBinary(env);
  if (binary) return buildShopifyToxiproxyImage(binary, options.baseImage);
  if (options.engine.kind === 'docker') return { image: OFFICIAL_TOXIPROXY_IMAGE, origin: `image ${OFFICIAL_TOXIPROXY_IMAGE}` };
  const image = await buildOwnToxiproxyImage({ repoRoot: options.repoRoot, mainJs: options.mainJs, baseImage: options.baseImage, tag: `localhost/statestore-ha-toxiproxy:${options.tag ?? 'dev'}` });
  return { image, origin: `image ${image} (our stand-in: no toxiproxy-server binary, and ${options.engine.kind} pulls no ${OFFICIAL_TOXIPROXY_IMAGE})` };
}

/** The binary as /toxiproxy, as upstream's Dockerfile lays it out; ~9 MB, a second to build. */
export async function buildShopifyToxiproxyImage(binary: string, baseImage: string): Promise<ToxiproxyImage> {
  const version = toxiproxyBinaryVersion(binary);
  const base = isStaticElf(binary) ? 'scratch' : baseImage;
  const tag = `localhost/statestore-ha-toxiproxy-shopify:${version}`;
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-shopify-image-'));
  try {
    fs.copyFileSync(binary, path.join(context, 'toxiproxy'));
    fs.chmodSync(path.join(context, 'toxiproxy'), 0o755);
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        `# Shopify toxiproxy-server ${version} from ${binary} (upstream's Dockerfile: FROM scratch, /toxiproxy).`,
        `FROM ${base}`,
        'COPY toxiproxy /toxiproxy',
        // Upstream logs every request at info; warnings are what matter in a chaos run's log.
        'ENV LOG_LEVEL=warn',
        'USER 65534:65534',
        'STOPSIGNAL SIGTERM',
        'ENTRYPOINT ["/toxiproxy"]',
        `CMD ${JSON.stringify(REAL_COMMAND)}`,
        '',
      ].join('\n'),
    );
    await buildImage({ context, dockerfile: 'Dockerfile', tag });
    return { image: tag, origin: `image ${tag} (${base === 'scratch' ? 'FROM scratch' : `on ${base}`}, from ${binary})` };
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

export interface OwnToxiproxyImageOptions {
  /** The checkout holding docker/Dockerfile.toxiproxy. */
  readonly repoRoot: string;
  /** A built server (dist/chaos/toxiproxy/main.js); bundled from source when absent. */
  readonly mainJs?: string | undefined;
  readonly tag?: string;
  readonly baseImage: string;
}

/** Our stand-in's image, from docker/Dockerfile.toxiproxy on the given base image. */
export async function buildOwnToxiproxyImage(options: OwnToxiproxyImageOptions): Promise<string> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-image-'));
  try {
    const mainJs = path.join(context, 'main.js');
    if (options.mainJs) fs.copyFileSync(options.mainJs, mainJs);
    else await buildToxiproxyBundle(mainJs);
    fs.copyFileSync(path.join(options.repoRoot, 'docker', 'Dockerfile.toxiproxy'), path.join(context, 'Dockerfile'));
    return await buildImage({ context, dockerfile: 'Dockerfile', tag: options.tag ?? DEFAULT_TOXIPROXY_IMAGE, buildArgs: { BASE_IMAGE: options.baseImage } });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
