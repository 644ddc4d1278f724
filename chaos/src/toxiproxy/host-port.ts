/**
 * `host:port` strings as toxiproxy's API spells `listen` and `upstream` (Go's net.SplitHostPort:
 * IPv6 hosts in brackets, an empty host means every interface).
 */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function parseHostPort(text: string): HostPort | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:]*):(\d+)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return undefined;
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { host: match[1] ?? '', port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
