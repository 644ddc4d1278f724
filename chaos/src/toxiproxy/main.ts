/**
 * Our toxiproxy stand-in as a process, for images and child processes:
 *   node toxiproxy-main.js -host=0.0.0.0 -port=8474     (or --host, --port)
 * Flags as toxiproxy-server's; the others it has (-config, -seed, -proxy-metrics,
 * -runtime-metrics, -version) are refused by name rather than ignored. Prints one JSON line when
 * listening, so a parent can wait for it, and stops cleanly on SIGTERM/SIGINT (PID 1 in a
 * container gets no default SIGTERM handling).
 */
import yargsParser from 'yargs-parser';
import { DEFAULT_TOXIPROXY_PORT, ToxiproxyServer } from './toxiproxy-server';
import { TOXIPROXY_VERSION_STRING } from './version';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseFlags(args: string[]): { host: string; port: number } {
  // Go's flag package takes -host as well as --host: no single-dash letter groups.
  const argv = yargsParser(args, { string: ['host', 'port'], configuration: { 'short-option-groups': false, 'camel-case-expansion': false } });
  const unknown = Object.keys(argv).filter((key) => !['_', 'host', 'port'].includes(key));
  if (unknown.length > 0 || argv._.length > 0) throw new UsageError(`unknown flag or argument: ${[...unknown.map((k) => `-${k}`), ...argv._].join(', ')} (flags: -host, -port)`);
  const host = typeof argv['host'] === 'string' && argv['host'] !== '' ? argv['host'] : '127.0.0.1';
  const portText = typeof argv['port'] === 'string' ? argv['port'] : String(DEFAULT_TOXIPROXY_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`-port=${portText}: must be an integer in [0, 65535]`);
  return { host, port };
}

async function main(): Promise<void> {
  const server = await ToxiproxyServer.start(parseFlags(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify({ msg: 'toxiproxy listening', version: TOXIPROXY_VERSION_STRING, url: server.url, port: server.port })}\n`);
  const shutdown = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ msg: 'toxiproxy failed to start', error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
