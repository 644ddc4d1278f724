/**
 * The Prometheus image of a containers run. $CHAOS_PROMETHEUS_IMAGE when set; on Docker the
 * official image (the one docker-compose.yml uses; testcontainers pulls it when missing); on
 * Podman, where no registry is reachable, docker/Dockerfile.prometheus puts the host's Debian
 * binary (/usr/bin/prometheus, apt package `prometheus`) on the local base image, as
 * chaos/scripts/build-prometheus-image.sh does for compose.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildImage } from './container-engine';
import type { ContainerEngine } from './container-engine';

export const PROMETHEUS_IMAGE_ENV = 'CHAOS_PROMETHEUS_IMAGE';
/** The same image docker/docker-compose.yml defaults to. */
export const OFFICIAL_PROMETHEUS_IMAGE = 'prom/prometheus:v2.55.1';
const HOST_PROMETHEUS = '/usr/bin/prometheus';

export class PrometheusImageError extends Error {
  override readonly name = 'PrometheusImageError';
}

export interface PrometheusImageOptions {
  readonly engine: ContainerEngine;
  /** The checkout holding docker/Dockerfile.prometheus. */
  readonly repoRoot: string;
  /** Base of the local image (Podman). */
  readonly baseImage: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function resolvePrometheusImage(options: PrometheusImageOptions): Promise<string> {
  const chosen = (options.env ?? process.env)[PROMETHEUS_IMAGE_ENV];
  if (chosen) return chosen;
  if (options.engine.kind === 'docker') return OFFICIAL_PROMETHEUS_IMAGE;
  if (!fs.existsSync(HOST_PROMETHEUS)) {
    throw new PrometheusImageError(`no ${HOST_PROMETHEUS} to put in the local Prometheus image: apt-get install prometheus (chaos/scripts/install-deps.sh) or set ${PROMETHEUS_IMAGE_ENV}`);
  }
  // "prometheus, version 2.42.0+ds (branch: ...)" -> 2.42.0
  const version = execFileSync(HOST_PROMETHEUS, ['--version'], { encoding: 'utf8' }).match(/version (\d+\.\d+\.\d+)/)?.[1] ?? 'host';
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-image-'));
  try {
    fs.copyFileSync(HOST_PROMETHEUS, path.join(context, 'prometheus'));
    fs.chmodSync(path.join(context, 'prometheus'), 0o755);
    fs.copyFileSync(path.join(options.repoRoot, 'docker', 'Dockerfile.prometheus'), path.join(context, 'Dockerfile'));
    return await buildImage({ context, dockerfile: 'Dockerfile', tag: `localhost/statestore-ha-prometheus:${version}`, buildArgs: { BASE_IMAGE: options.baseImage } });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
