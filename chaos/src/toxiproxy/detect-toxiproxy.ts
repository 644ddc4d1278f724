/**
 * Tells which toxiproxy answers at a URL, so every chaos report can name it. Shopify's server
 * answers `/version` with `{"version": "2.x.y"}` (2.6+) or plain `2.x.y`/`git-<sha>` (older);
 * ours with `{"version": "statestore-ha-toxiproxy <semver>"}`.
 */
import { TOXIPROXY_SERVER_NAME } from './version';

export interface ToxiproxyIdentity {
  readonly kind: 'shopify' | 'statestore-ha';
  /** The version text as the server gave it. */
  readonly version: string;
  readonly url: string;
}

export class ToxiproxyUnreachableError extends Error {
  override readonly name = 'ToxiproxyUnreachableError';
  constructor(readonly url: string, options?: { cause?: unknown }) {
    super(`no toxiproxy answers GET ${url}/version`, options);
  }
}

function versionText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { version?: unknown }).version === 'string') {
      return (parsed as { version: string }).version;
    }
  } catch {
    // plain-text version from toxiproxy < 2.6
  }
  return body.trim();
}

export async function detectToxiproxy(url: string, timeoutMs = 2000): Promise<ToxiproxyIdentity> {
  const base = url.replace(/\/+$/, '');
  let body: string;
  try {
    const res = await fetch(`${base}/version`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.text();
  } catch (cause) {
    throw new ToxiproxyUnreachableError(base, { cause });
  }
  const version = versionText(body);
  const kind = version.startsWith(`${TOXIPROXY_SERVER_NAME} `) ? 'statestore-ha' : 'shopify';
  return { kind, version, url: base };
}
