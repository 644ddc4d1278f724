/**
 * Real namespaces, veths, firewall rules and TCP between two nodes. Needs root; skipped with
 * the reason printed otherwise. Each test makes its own lab and removes it in `finally`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { canUseNetns } from './netns-capability';
import { NetemUnavailableError, NetnsLab, sweepStaleLabs, withNetnsLab } from './netns-lab';

jest.setTimeout(60_000);

const capability = canUseNetns();
// Jest hides console output of a file whose tests all skip, so the reason goes to stderr and
// into the suite title.
if (!capability.ok) process.stderr.write(`netns-lab.spec skipped: ${capability.reason}\n`);
const describeIfNetns = capability.ok ? describe : describe.skip;
const suiteTitle = capability.ok ? 'NetnsLab (root)' : `NetnsLab (skipped: ${capability.reason})`;

const PORT = 7000;

/** Server: sends "tick\n" every 100 ms to each client and prints the bytes it receives. */
const PUSH_SERVER = `
const net = require('net');
net.createServer((s) => {
  s.setNoDelay(true);
  const t = setInterval(() => s.write('tick\\n'), 100);
  s.on('data', (d) => process.stdout.write('got ' + d.length + '\\n'));
  s.on('error', () => {}); s.on('close', () => clearInterval(t));
}).listen(${PORT}, '0.0.0.0', () => process.stdout.write('listening\\n'));`;

/** Client: stdin -> socket, socket -> stdout, events on stderr. */
const RELAY_CLIENT = `
const s = require('net').connect(${PORT}, process.argv[1]);
s.on('connect', () => process.stderr.write('connected\\n'));
s.on('error', (e) => { process.stderr.write('error ' + e.code + '\\n'); process.exit(2); });
process.stdin.pipe(s); s.pipe(process.stdout);`;

/** One connect attempt: prints connected | timeout | error <code>. */
const CONNECT_ONCE = `
const [host, ms] = process.argv.slice(1);
const s = require('net').connect(${PORT}, host);
const t = setTimeout(() => { console.log('timeout'); process.exit(0); }, Number(ms));
s.on('connect', () => { console.log('connected'); process.exit(0); });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });`;

/** Bulk: the server sends N bytes to whoever connects; the client prints the ms it took. */
const BULK_SERVER = `
require('net').createServer((s) => { s.end(Buffer.alloc(Number(process.argv[1]), 1)); s.on('error', () => {}); })
  .listen(${PORT}, '0.0.0.0', () => process.stdout.write('listening\\n'));`;
const BULK_CLIENT = `
const started = Date.now(); let n = 0;
const s = require('net').connect(${PORT}, process.argv[1]);
s.on('data', (d) => { n += d.length; }); s.on('end', () => console.log(JSON.stringify({ bytes: n, ms: Date.now() - started })));`;

/** UDP: the sink counts datagrams for 1.5 s; the source sends N. */
const UDP_SINK = `
const sock = require('dgram').createSocket('udp4'); let n = 0;
sock.on('message', () => { n++; });
sock.bind(${PORT}, '0.0.0.0', () => { process.stdout.write('listening\\n'); setTimeout(() => { console.log('count ' + n); process.exit(0); }, 1500); });`;
const UDP_SOURCE = `
const sock = require('dgram').createSocket('udp4'); let i = 0; const n = Number(process.argv[2]);
(function next() { if (i++ >= n) return sock.close(); sock.send('x', ${PORT}, process.argv[1], () => setImmediate(next)); })();`;

class Output {
  text = '';
  constructor(stream: NodeJS.ReadableStream | null) {
    stream?.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
    });
  }
  count(pattern: RegExp): number {
    return (this.text.match(new RegExp(pattern.source, 'g')) ?? []).length;
  }
  async waitForCount(pattern: RegExp, atLeast: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(pattern) < atLeast) {
      if (Date.now() > deadline) throw new Error(`${this.count(pattern)} of ${atLeast} ${pattern} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; got: ${this.text.slice(-300)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function node(lab: NetnsLab, name: string, script: string, ...args: string[]): { child: ChildProcess; stdout: Output; stderr: Output } {
  const child = lab.spawn(name, [process.execPath, '-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, stdout: new Output(child.stdout), stderr: new Output(child.stderr) };
}

async function connectOnce(lab: NetnsLab, from: string, to: string, timeoutMs: number): Promise<string> {
  const { stdout } = await lab.exec(from, [process.execPath, '-e', CONNECT_ONCE, lab.node(to).address, String(timeoutMs)]);
  return stdout.trim();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function labLeftovers(labId: string): string[] {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  return [...namespaces.split('\n'), ...links.split('\n')].filter((line) => line.includes(labId));
}

describeIfNetns(suiteTitle, () => {
  afterAll(() => {
    // Faults live inside the lab's namespaces only: no host rule ever names our chain, table
    // or range. (Not a before/after diff of the host: podman specs running in parallel add
    // their own rules.)
    const hostRules = execFileSync('iptables', ['-S'], { encoding: 'utf8' }) + execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8' });
    expect(hostRules).not.toMatch(/CHAOS-IN|10\.213\.|table inet chaos/);
  });

  it('connects across the bridge; a cut times out (DROP, not RST); heal restores; cleanup leaves nothing', async () => {
    const lab = await NetnsLab.create();
    try {
      await lab.addNode('a');
      await lab.addNode('b');
      expect(lab.node('a').address).toMatch(/^10\.213\.\d+\.10$/);
      const server = node(lab, 'b', PUSH_SERVER);
      await server.stdout.waitFor(/listening/, 5000);
      const client = node(lab, 'a', RELAY_CLIENT, lab.node('b').address);
      await client.stderr.waitFor(/connected/, 5000);
      await client.stdout.waitFor(/tick/, 2000);
      expect(await connectOnce(lab, 'a', 'b', 2000)).toBe('connected');

      await lab.cut('a', 'b');
      expect(await connectOnce(lab, 'a', 'b', 1500)).toBe('timeout'); // a REJECT/RST would be "error ECONNREFUSED"
      const ticksAtCut = client.stdout.count(/tick/);
      client.child.stdin?.write('during-cut');
      await sleep(600);
      expect(client.stdout.count(/tick/)).toBeLessThanOrEqual(ticksAtCut + 1); // one may be in flight
      expect(server.stdout.text).not.toMatch(/got/);
      expect(client.stderr.text).not.toMatch(/error/); // the established connection is not torn down

      await lab.heal('a', 'b');
      expect(await connectOnce(lab, 'a', 'b', 2000)).toBe('connected');
      await server.stdout.waitFor(/got 10/, 5000); // TCP retransmitted the bytes sent during the cut
      // Ticks queued during the cut come with the next retransmission (RTO backs off to ~1-2 s).
      await client.stdout.waitForCount(/tick/, client.stdout.count(/tick/) + 3, 5000);
    } finally {
      await lab.cleanup();
    }
    expect(labLeftovers(lab.id)).toEqual([]);
  });

  it('a one-way cut drops only what a sends to b', async () => {
    // Shown with UDP: over TCP a one-way cut soon stalls both directions, since the acks are
    // lost too (measured: the sender falls to cwnd 1 and sends only on RTO backoff, 1.6 s+).
    await withNetnsLab(async (lab) => {
      await lab.addNode('a');
      await lab.addNode('b');
      await lab.cut('a', 'b', 'one-way');
      const sinkA = node(lab, 'a', UDP_SINK);
      const sinkB = node(lab, 'b', UDP_SINK);
      await sinkA.stdout.waitFor(/listening/, 5000);
      await sinkB.stdout.waitFor(/listening/, 5000);
      await Promise.all([
        lab.exec('a', [process.execPath, '-e', UDP_SOURCE, lab.node('b').address, '200']),
        lab.exec('b', [process.execPath, '-e', UDP_SOURCE, lab.node('a').address, '200']),
      ]);
      await sinkA.stdout.waitFor(/count \d+/, 5000);
      await sinkB.stdout.waitFor(/count \d+/, 5000);
      expect(sinkA.stdout.text).toMatch(/count 200\b/); // b -> a flows
      expect(sinkB.stdout.text).toMatch(/count 0\b/); // a -> b dropped
    });
  });

  it('cuts and heals with the nft backend too', async () => {
    await withNetnsLab(
      async (lab) => {
        await lab.addNode('a');
        await lab.addNode('b');
        const server = node(lab, 'b', PUSH_SERVER);
        await server.stdout.waitFor(/listening/, 5000);
        await lab.cut('a', 'b');
        expect((await lab.exec('b', ['nft', 'list', 'table', 'inet', 'chaos'])).stdout).toContain(`ip saddr ${lab.node('a').address} drop`);
        expect(await connectOnce(lab, 'a', 'b', 1000)).toBe('timeout');
        await lab.heal('a', 'b');
        expect(await connectOnce(lab, 'a', 'b', 2000)).toBe('connected');
      },
      { firewall: 'nft' },
    );
  });

  it.each(['iptables', 'nft'] as const)('reset (%s) kills a live connection on its next data and refuses new ones; heal restores', async (firewall) => {
    await withNetnsLab(
      async (lab) => {
        await lab.addNode('a');
        await lab.addNode('b');
        const server = node(lab, 'b', PUSH_SERVER);
        await server.stdout.waitFor(/listening/, 5000);
        const client = node(lab, 'a', RELAY_CLIENT, lab.node('b').address);
        await client.stderr.waitFor(/connected/, 5000);
        await lab.reset('a', 'b');
        // The server's next tick (within 100 ms) meets a's REJECT: a answers RST, b's socket dies;
        // the client's own next write meets b's REJECT and dies too.
        client.child.stdin?.write('after-reset');
        await client.stderr.waitFor(/error ECONNRESET/, 3000);
        expect(await connectOnce(lab, 'a', 'b', 1500)).toBe('error ECONNREFUSED');
        expect(server.stdout.text).not.toMatch(/got/);
        await lab.heal('a', 'b');
        expect(await connectOnce(lab, 'a', 'b', 2000)).toBe('connected');
      },
      { firewall },
    );
  });

  it('loss drops about the configured share of packets', async () => {
    await withNetnsLab(async (lab) => {
      await lab.addNode('a');
      await lab.addNode('b');
      await lab.loss('a', 'b', 0.5, 'one-way');
      const sink = node(lab, 'b', UDP_SINK);
      await sink.stdout.waitFor(/listening/, 5000);
      await lab.exec('a', [process.execPath, '-e', UDP_SOURCE, lab.node('b').address, '1000']);
      await sink.stdout.waitFor(/count \d+/, 5000);
      const received = Number(/count (\d+)/.exec(sink.stdout.text)?.[1]);
      expect(received).toBeGreaterThan(350);
      expect(received).toBeLessThan(650);
    });
  });

  it('tbf limits bandwidth; netem delay is reported as unavailable where the kernel lacks it', async () => {
    await withNetnsLab(async (lab) => {
      await lab.addNode('a');
      await lab.addNode('b');
      const bytes = 500_000; // 4000 kbit
      const server = node(lab, 'b', BULK_SERVER, String(bytes));
      await server.stdout.waitFor(/listening/, 5000);
      const fast = JSON.parse((await lab.exec('a', [process.execPath, '-e', BULK_CLIENT, lab.node('b').address])).stdout) as { bytes: number; ms: number };
      await lab.limitBandwidth('b', 4000);
      const slow = JSON.parse((await lab.exec('a', [process.execPath, '-e', BULK_CLIENT, lab.node('b').address])).stdout) as { bytes: number; ms: number };
      await lab.clearBandwidth('b');
      console.log(`bulk ${bytes} B: unshaped ${fast.ms} ms, tbf 4000 kbit ${slow.ms} ms`);
      expect(slow.bytes).toBe(bytes);
      expect(slow.ms).toBeGreaterThanOrEqual(800);
      expect(slow.ms).toBeLessThan(3000);
      expect(fast.ms).toBeLessThan(slow.ms / 2);
      if (capability.ok && !capability.netem) await expect(lab.delay('a', 100)).rejects.toBeInstanceOf(NetemUnavailableError);
      else await expect(lab.delay('a', 100)).resolves.toBeUndefined();
    });
  });

  it('removes the lab when the test body throws', async () => {
    let id = '';
    await expect(
      withNetnsLab(async (lab) => {
        id = lab.id;
        await lab.addNode('x');
        expect(labLeftovers(id).length).toBeGreaterThan(0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(labLeftovers(id)).toEqual([]);
  });

  it('removes the lab when the process gets SIGTERM or dies of an uncaught error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-exit-'));
    try {
      const entry = path.join(dir, 'entry.ts');
      fs.writeFileSync(
        entry,
        `import { NetnsLab } from ${JSON.stringify(path.join(__dirname, 'netns-lab'))};
         void (async () => {
           const lab = await NetnsLab.create({ bridge: 'host' });
           await lab.addNode('n');
           process.stdout.write(lab.id + '\\n');
           if (process.argv[2] === 'throw') setTimeout(() => { throw new Error('uncaught'); }, 50);
           else setInterval(() => undefined, 1000);
         })();`,
      );
      await build({ entryPoints: [entry], outfile: path.join(dir, 'entry.js'), bundle: true, platform: 'node', logLevel: 'silent' });
      for (const mode of ['sigterm', 'throw']) {
        const child = spawn(process.execPath, [path.join(dir, 'entry.js'), mode], { stdio: ['ignore', 'pipe', 'ignore'] });
        const out = new Output(child.stdout);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await out.waitFor(/^[0-9a-f]{5}\n/, 10_000);
        const id = out.text.trim();
        expect(labLeftovers(id).length).toBeGreaterThan(0);
        if (mode === 'sigterm') child.kill('SIGTERM');
        await exited;
        expect(labLeftovers(id)).toEqual([]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sweepStaleLabs removes what a SIGKILLed process left, and nothing of live ones', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const stale = `chaos-${dead.pid}-dead0-x`;
    const staleBridge = 'chbdead0';
    execFileSync('ip', ['netns', 'add', stale]);
    execFileSync('ip', ['link', 'add', staleBridge, 'type', 'bridge']);
    const live = await NetnsLab.create({ bridge: 'host' });
    try {
      await live.addNode('a');
      const removed = await sweepStaleLabs();
      expect(removed).toEqual(expect.arrayContaining([stale, staleBridge]));
      expect(labLeftovers('dead0')).toEqual([]);
      expect(labLeftovers(live.id).length).toBeGreaterThan(0);
    } finally {
      await live.cleanup();
      // Left only if the sweep failed; the assertions above report that.
      spawnSync('ip', ['netns', 'del', stale], { stdio: 'ignore' });
      spawnSync('ip', ['link', 'del', staleBridge], { stdio: 'ignore' });
    }
  });

  it("with bridge: 'host' the host reaches the nodes directly", async () => {
    await withNetnsLab(
      async (lab) => {
        await lab.addNode('a');
        const server = node(lab, 'a', PUSH_SERVER);
        await server.stdout.waitFor(/listening/, 5000);
        const socket = net.connect(PORT, lab.node('a').address);
        const first = await new Promise<string>((resolve, reject) => {
          socket.once('data', (d) => resolve(d.toString()));
          socket.once('error', reject);
        });
        socket.destroy();
        expect(first).toMatch(/^tick/);
        expect(lab.hostAddress).toMatch(/^10\.213\.\d+\.1$/);
      },
      { bridge: 'host' },
    );
  });
});
