/**
 * The Docker Engine API that testcontainers found (DOCKER_HOST: Docker, or Podman's service),
 * through its dockerode, for what GenericContainer does not cover: pause, SIGKILL, exit
 * status, labelled listings. Nothing here runs an engine CLI, so the same calls drive either.
 */
import { execFileSync } from 'node:child_process';
import { getContainerRuntimeClient } from 'testcontainers';
import type { ContainerRuntimeClient } from 'testcontainers';

export type EngineApi = ContainerRuntimeClient['container']['dockerode'];
export type EngineContainer = ReturnType<EngineApi['getContainer']>;

/** Where the API answers, as node:http options: a unix socket, or plain HTTP host and port. */
export type EngineEndpoint = { readonly socketPath: string } | { readonly host: string; readonly port: number };

export async function engineApi(): Promise<EngineApi> {
  return (await getContainerRuntimeClient()).container.dockerode;
}

/**
 * The endpoint for purgeSync, or undefined over TLS: node:http cannot speak it, and there the
 * async close and the next run's sweep (sweepStaleContainers) are what remove leftovers.
 */
export function engineEndpoint(api: EngineApi): EngineEndpoint | undefined {
  const modem = api.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string') return { socketPath: modem.socketPath };
  if (modem.protocol === 'http' && typeof modem.host === 'string') return { host: modem.host, port: Number(modem.port ?? 2375) };
  return undefined;
}

/**
 * A rejection handler that swallows the given HTTP statuses of an engine answer (404: already
 * gone; 304: already stopped; 409: not running) and rethrows anything else.
 */
export function ignoreStatus(...statuses: number[]): (error: unknown) => void {
  return (error) => {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== 'number' || !statuses.includes(status)) throw error;
  };
}

/** True when the engine has an image by that name (nothing is pulled). */
export async function imageExists(tag: string): Promise<boolean> {
  return (await engineApi())
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

export interface PurgeTargets {
  /** Container ids or names, removed with force (running, paused or exited). */
  readonly containers?: readonly string[];
  /** Also every container carrying this label filter (`key=value`). */
  readonly label?: string;
  /** Networks (id or name), removed after the containers that used them. */
  readonly networks?: readonly string[];
}

/** Runs in a child node: the Docker API is HTTP, and an exit hook cannot wait for a promise. */
const PURGE_SCRIPT = `
const http = require('node:http');
const { endpoint, containers = [], label, networks = [] } = JSON.parse(process.argv[1]);
const call = (method, path) => new Promise((resolve) => {
  const req = http.request({ ...endpoint, method, path, timeout: 15000 }, (res) => {
    let body = '';
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => resolve(res.statusCode < 300 ? body : ''));
  });
  req.on('error', () => resolve(''));
  req.on('timeout', () => req.destroy());
  req.end();
});
(async () => {
  const ids = [...containers];
  if (label) {
    const listed = await call('GET', '/containers/json?all=true&filters=' + encodeURIComponent(JSON.stringify({ label: [label] })));
    try { ids.push(...JSON.parse(listed).map((c) => c.Id)); } catch {}
  }
  await Promise.all(ids.map((id) => call('DELETE', '/containers/' + encodeURIComponent(id) + '?force=true')));
  for (const n of networks) await call('DELETE', '/networks/' + encodeURIComponent(n));
})();
`;

/** Removes containers and networks synchronously, for process-exit hooks; never throws. */
export function purgeSync(endpoint: EngineEndpoint | undefined, targets: PurgeTargets): void {
  if (!endpoint) return;
  try {
    execFileSync(process.execPath, ['-e', PURGE_SCRIPT, JSON.stringify({ endpoint, ...targets })], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    // the engine is gone or slow: the next run's sweep removes what is left
  }
}
