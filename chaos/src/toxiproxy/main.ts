/**
 * Standalone toxiproxy-compatible server, for images and child processes:
 *   node toxiproxy-main.js --host=0.0.0.0 --port=8474
 * Flags as toxiproxy-server's (`-host`, `-port`). Prints one JSON line when listening, so a
 * parent can wait for it, and stops cleanly on SIGTERM/SIGINT (PID 1 in a container gets no
 * default SIGTERM handling).
 */
import yargsParser from 'yargs-parser';
import { DEFAULT_TOXIPROXY_PORT, ToxiproxyServer } from './toxiproxy-server';
import { TOXIPROXY_VERSION_STRING } from './version';

async function main(): Promise<void> {
  const argv = yargsParser(process.argv.slice(2), { string: ['host'], number: ['port'] });
  const host = typeof argv['host'] === 'string' ? argv['host'] : '127.0.0.1';
  const port = typeof argv['port'] === 'number' && Number.isFinite(argv['port']) ? argv['port'] : DEFAULT_TOXIPROXY_PORT;
  const server = await ToxiproxyServer.start({ host, port });
  process.stdout.write(`${JSON.stringify({ msg: 'toxiproxy listening', version: TOXIPROXY_VERSION_STRING, url: server.url, port: server.port })}\n`);
  const shutdown = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ msg: 'toxiproxy failed to start', error: String(error) })}\n`);
  process.exit(1);
});
