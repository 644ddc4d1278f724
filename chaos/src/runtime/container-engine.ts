/**
 * The container engine for container-based chaos runs: Docker, or Podman's Docker-compatible
 * service, reached through DOCKER_HOST by testcontainers 12.0.1 (the last to load on Node 20).
 * These machines have no Docker daemon and reach no image registry
 * (shared/reference/environment.md): Podman's service stands in (chaos/scripts/podman-setup.sh),
 * and images come from a base image built locally (chaos/scripts/build-base-image.sh). Ryuk is
 * off because its image cannot be pulled here, so every suite removes its containers itself.
 *
 * Scripts are found from the checkout the caller names: __dirname points into dist/ once the
 * CLI is bundled (dist/chaos/cli/main.js).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { GenericContainer } from 'testcontainers';
import { imageExists } from './engine-api';

export const DEFAULT_PODMAN_SOCKET = '/run/statestore-ha-podman/podman.sock';
export const DEFAULT_BASE_IMAGE = 'localhost/statestore-ha-base:node20';
/** docker/Dockerfile's default BASE_IMAGE, for an engine that can pull it. */
export const DOCKER_BASE_IMAGE = 'node:20-bookworm-slim';
/** Overrides the base image of every image a run builds. */
export const BASE_IMAGE_ENV = 'CHAOS_BASE_IMAGE';

function scriptPath(repoRoot: string, script: string): string {
  return path.join(repoRoot, 'chaos', 'scripts', script);
}

export interface ContainerEngine {
  /** What answered on the socket, from its /version (Podman calls itself "Podman Engine"). */
  readonly kind: 'podman' | 'docker';
  readonly version: string;
  readonly socketPath: string;
  /** The environment testcontainers (and the docker/podman CLIs) need for this engine. */
  readonly env: Readonly<Record<string, string>>;
}

export type EngineAvailability = { readonly ok: true; readonly engine: ContainerEngine } | { readonly ok: false; readonly reason: string };

export class ContainerEngineError extends Error {
  override readonly name = 'ContainerEngineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new ContainerEngineError(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

/** GET /version over a unix socket; undefined when nothing answers. */
function engineVersion(socketPath: string): Promise<{ kind: 'podman' | 'docker'; version: string } | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/version', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { Version?: string; Components?: { Name?: string }[] };
          const podman = (parsed.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
          resolve({ kind: podman ? 'podman' : 'docker', version: parsed.Version ?? 'unknown' });
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

function socketFromDockerHost(dockerHost: string | undefined): string | undefined {
  return dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
}

function engineEnv(socketPath: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {
    DOCKER_HOST: `unix://${socketPath}`,
    TESTCONTAINERS_RYUK_DISABLED: 'true',
    TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
  };
  const conf = env['CONTAINERS_CONF'] ?? path.join(path.dirname(socketPath), 'containers.conf');
  if (fs.existsSync(conf)) result['CONTAINERS_CONF'] = conf;
  return result;
}

/** An engine already answering on $DOCKER_HOST or on the socket podman-setup.sh makes. */
export async function detectContainerEngine(env: NodeJS.ProcessEnv = process.env): Promise<ContainerEngine | undefined> {
  const candidates = [socketFromDockerHost(env['DOCKER_HOST']), DEFAULT_PODMAN_SOCKET].filter((s): s is string => s !== undefined);
  for (const socketPath of candidates) {
    const answer = await engineVersion(socketPath);
    if (answer) return { ...answer, socketPath, env: engineEnv(socketPath, env) };
  }
  return undefined;
}

/**
 * Why no engine can be had here, or undefined if one might: cheap and synchronous, so a spec
 * can pick `describe.skip` (printing the reason) when it is loaded.
 */
export function containerEngineUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const usable = (socketPath: string | undefined): boolean => {
    if (socketPath === undefined) return false;
    try {
      fs.accessSync(socketPath, fs.constants.R_OK | fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (usable(socketFromDockerHost(env['DOCKER_HOST'])) || usable(DEFAULT_PODMAN_SOCKET)) return undefined;
  if (process.getuid?.() !== 0) return `no engine socket this user may use ($DOCKER_HOST or ${DEFAULT_PODMAN_SOCKET}) and not root: cannot run chaos/scripts/podman-setup.sh`;
  if (!fs.existsSync('/usr/bin/apt-get') && !fs.existsSync('/usr/bin/podman')) return 'no podman and no apt-get to install it';
  return undefined;
}

/**
 * Finds an engine, or starts Podman's service through podman-setup.sh (as root), and puts its
 * environment into process.env so testcontainers, which reads it on first use, finds it.
 */
export async function ensureContainerEngine(repoRoot: string, options: { applyToProcessEnv?: boolean } = {}): Promise<EngineAvailability> {
  let engine = await detectContainerEngine();
  if (!engine) {
    const reason = containerEngineUnavailableReason();
    if (reason) return { ok: false, reason };
    let exports: string;
    try {
      exports = await run('bash', [scriptPath(repoRoot, 'podman-setup.sh')]);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const match of exports.matchAll(/^export (\w+)=(.*)$/gm)) env[match[1] ?? ''] = match[2] ?? '';
    engine = await detectContainerEngine(env);
    if (!engine) return { ok: false, reason: `podman-setup.sh ran but nothing answers on ${env['DOCKER_HOST'] ?? DEFAULT_PODMAN_SOCKET}` };
  }
  if (options.applyToProcessEnv ?? true) Object.assign(process.env, engine.env);
  return { ok: true, engine };
}

/** Builds the registry-free Node base image unless it exists (podman import: Podman only; ~7 s). */
export async function buildBaseImage(engine: ContainerEngine, repoRoot: string, options: { tag?: string; force?: boolean } = {}): Promise<string> {
  const tag = options.tag ?? DEFAULT_BASE_IMAGE;
  if (!options.force && (await imageExists(tag))) return tag;
  await run('bash', [scriptPath(repoRoot, 'build-base-image.sh'), tag], { ...process.env, ...engine.env });
  return tag;
}

/**
 * The base image of a run's images: $CHAOS_BASE_IMAGE when set; on Docker the official Node
 * image, which it pulls while building; on Podman (the air-gapped machines) the local one.
 */
export async function resolveBaseImage(engine: ContainerEngine, repoRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const chosen = env[BASE_IMAGE_ENV];
  if (chosen) return chosen;
  return engine.kind === 'docker' ? DOCKER_BASE_IMAGE : buildBaseImage(engine, repoRoot);
}

export interface ImageBuild {
  /** Directory sent as the build context; must contain the Dockerfile. */
  readonly context: string;
  /** Dockerfile name inside the context. */
  readonly dockerfile: string;
  readonly tag: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

/**
 * Builds through testcontainers' GenericContainer.fromDockerfile (the engine's /build API).
 * The image is kept (deleteOnExit off): images are cached across runs, containers are not.
 */
export async function buildImage(build: ImageBuild): Promise<string> {
  await GenericContainer.fromDockerfile(build.context, build.dockerfile)
    .withBuildArgs({ ...(build.buildArgs ?? {}) })
    .build(build.tag, { deleteOnExit: false });
  return build.tag;
}
