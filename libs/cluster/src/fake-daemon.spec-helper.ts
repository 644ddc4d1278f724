import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for the daemons' build, for DaemonProcess and Cluster specs: dist/apps/<app>/main.js
 * that honours the contract the real daemons share (gflags-style --flag=value, /healthz on
 * --webserver_port, a clean exit 0 on SIGTERM) plus a few test flags:
 *   --fake_exit_code=N        write a failure line to stderr and exit with N, before listening
 *   --fake_never_healthy      listen, but answer /healthz with 503
 *   --fake_ignore_sigterm     stay up on SIGTERM (so only SIGKILL ends it)
 *   --fake_events=<file>      append "start <name>" / "stop <name>" lines (name from --fake_name)
 * GET /flags answers the flags it was started with.
 */
const FAKE_MAIN = String.raw`
const http = require('node:http');
const fs = require('node:fs');
const flags = {};
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (m) flags[m[1]] = m[2];
}
const event = (what) => { if (flags.fake_events) fs.appendFileSync(flags.fake_events, what + ' ' + (flags.fake_name || '?') + '\n'); };
console.log(JSON.stringify({ msg: 'fake daemon starting', argv: process.argv.slice(2) }));
if (flags.fake_exit_code !== undefined) { process.stderr.write('fake daemon: failed to start: listen EADDRINUSE\n'); process.exitCode = Number(flags.fake_exit_code); return; }
event('start');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(flags.fake_never_healthy === 'true' ? 503 : 200); return res.end('OK'); }
  if (req.url === '/flags') { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(flags)); }
  res.writeHead(404); res.end();
});
server.listen(Number(flags.webserver_port), '127.0.0.1');
process.on('SIGTERM', () => {
  if (flags.fake_ignore_sigterm === 'true') return;
  event('stop');
  server.close();
  process.exit(0);
});
`;

/** A temporary dist folder with the fake main.js for every app, and a log folder. */
export function fakeDist(): { distDir: string; logDir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'cluster-spec-'));
  const distDir = join(root, 'dist');
  for (const app of ['statestored', 'catalogd', 'impalad']) {
    mkdirSync(join(distDir, 'apps', app), { recursive: true });
    writeFileSync(join(distDir, 'apps', app, 'main.js'), FAKE_MAIN);
  }
  return { distDir, logDir: join(root, 'logs'), root };
}
