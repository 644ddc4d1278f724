/**
 * ContainersRuntime end to end on the engine testcontainers finds (Podman here): one statestored from an image built from this
 * checkout's dist, reached on its container address; pause freezes it (its /healthz stops
 * answering), kill is a crash, restart brings it back at the same address with extra flags,
 * stop leaves no container; a kernel cut survives a restart of the container behind it;
 * Prometheus as a container on the same network scrapes it.
 * Skipped, with the reason printed, where no engine can be had or the apps are not built.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DaemonSpec } from '@statestore-ha/cluster';
import { canUseNetns, runCommand } from '../netfault';
import { containerEngineUnavailableReason, engineApi, macAddressFor } from '../runtime';
import { ContainerLab } from './container-lab';
import { CHAOS_LABEL } from './container-network';
import type { ContainersRuntime } from './containers-runtime';

jest.setTimeout(120_000);

const REPO_ROOT = path.resolve(__dirname, '../../..');
const built = fs.existsSync(path.join(REPO_ROOT, 'dist', 'apps', 'statestored', 'main.js'));
const unavailable = containerEngineUnavailableReason() ?? (built ? undefined : 'dist/apps/statestored/main.js missing (nx run statestored:build)');
// Jest hides console output of a file whose tests all skip: stderr and the suite title carry it.
if (unavailable) process.stderr.write(`containers-runtime.spec skipped: ${unavailable}\n`);
const describeIfEngine = unavailable ? describe.skip : describe;

const SPEC: DaemonSpec = { name: 'statestored-1', app: 'statestored', flags: { state_store_port: 24000, webserver_port: 25010 }, webPort: 25010 };

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

async function ourContainers(): Promise<string[]> {
  const listed = await (await engineApi()).listContainers({ all: true, filters: { label: [`${CHAOS_LABEL}=${process.pid}`] } });
  // The API names containers with a leading slash.
  return listed.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
}

/** The engine's log stream follows the container's log file: Podman 4.3 polls it every ~250 ms. */
async function logSoonContains(file: string, text: string, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.readFileSync(file, 'utf8').includes(text)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describeIfEngine(unavailable ? `ContainersRuntime (skipped: ${unavailable})` : 'ContainersRuntime', () => {
  let lab: ContainerLab;
  let runtime: ContainersRuntime;
  let logDir: string;

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'containers-runtime-spec-'));
    const t0 = performance.now();
    lab = await ContainerLab.open({ repoRoot: REPO_ROOT, toxiproxyMainJs: undefined, log: (line) => process.stderr.write(`${line}\n`), imageTag: 'chaos-spec' });
    process.stderr.write(`container lab (engine, images, network) ready in ${Math.round(performance.now() - t0)} ms\n`);
    runtime = lab.runtime(logDir);
  });

  afterAll(async () => {
    await runtime?.stop();
    await lab?.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it('runs the daemon in a container at its planned address, logging to its file', async () => {
    await runtime.start([SPEC]);
    const address = lab.network.addresses.addressOf('statestored-1');
    expect(runtime.webUrl('statestored-1')).toBe(`http://${address}:25010`);
    expect(runtime.scrapeTargets()).toEqual([{ address: `${address}:25010`, labels: { daemon: 'statestored-1', app: 'statestored' } }]);
    expect(await answers(runtime.webUrl('statestored-1'))).toBe(true);
    expect(runtime.running('statestored-1')).toBe(true);
    expect(await ourContainers()).toEqual([lab.network.containerName('statestored-1')]);
    expect(await logSoonContains(runtime.logFile('statestored-1'), '"msg":"statestored started"')).toBe(true);
  });

  it('pause freezes it and resume thaws it', async () => {
    await runtime.pause('statestored-1');
    expect(await answers(runtime.webUrl('statestored-1'))).toBe(false);
    expect(runtime.running('statestored-1')).toBe(true);
    await runtime.resume('statestored-1');
    expect(await answers(runtime.webUrl('statestored-1'))).toBe(true);
  });

  it('kill is a crash; restart brings it back at the same address with the extra flags', async () => {
    await runtime.kill('statestored-1');
    expect(runtime.running('statestored-1')).toBe(false);
    expect(await answers(runtime.webUrl('statestored-1'))).toBe(false);
    await runtime.restart('statestored-1', { statestore_heartbeat_frequency_ms: 777 });
    expect(await answers(runtime.webUrl('statestored-1'))).toBe(true);
    const inspected = await (await engineApi()).getContainer(lab.network.containerName('statestored-1')).inspect();
    expect(inspected.Config.Cmd).toContain('--statestore_heartbeat_frequency_ms=777');
    // The same MAC as before, so no peer's neighbour table points at the dead container.
    expect(inspected.NetworkSettings.Networks[lab.network.name]?.MacAddress).toBe(macAddressFor(lab.network.addresses.addressOf('statestored-1')));
  });

  it('Prometheus runs as a container on the network and scrapes the daemon at its container address', async () => {
    const prometheus = await lab.prometheus(250);
    try {
      const address = lab.network.addresses.addressOf('prometheus');
      expect(prometheus.url).toBe(`http://${address}:9090`);
      expect(await prometheus.describe()).toMatch(/^prometheus \d+\.\d+\.\d+\S* \(container [^)]*prometheus[^)]*\) at /);
      const inspected = await (await engineApi()).getContainer(lab.network.containerName('prometheus')).inspect();
      expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual([lab.network.name]);
      prometheus.reloadTargets(runtime.scrapeTargets({ run: 'spec' }));
      await prometheus.waitForTargetsUp([`${lab.network.addresses.addressOf('statestored-1')}:25010`], 15_000);
      const live = await prometheus.client.vectorByLabel('statestore_live_subscribers{run="spec"}', 'daemon');
      expect(live.get('statestored-1')).toBe(0);
    } finally {
      await prometheus.stop();
    }
    expect(fs.existsSync(prometheus.dir)).toBe(false);
    expect(await ourContainers()).toEqual([lab.network.containerName('statestored-1')]);
  });

  it('stop removes the container', async () => {
    await runtime.stop();
    expect(runtime.running('statestored-1')).toBe(false);
    expect(await ourContainers()).toEqual([]);
  });

  (canUseNetns().ok ? it : it.skip)('a container restarted during a kernel cut comes back cut (its new namespace gets the rules)', async () => {
    const faults = lab.firewallFaults();
    const pair: DaemonSpec[] = [SPEC, { name: 'statestored-2', app: 'statestored', flags: { state_store_port: 24001, webserver_port: 25011 }, webPort: 25011 }];
    const routed = await faults.route(pair);
    const two = lab.runtime(fs.mkdtempSync(path.join(logDir, 'pair-')));
    const chainOf = async (daemon: string): Promise<string> => {
      const pid = (await (await engineApi()).getContainer(lab.network.containerName(daemon)).inspect()).State.Pid;
      return (await runCommand(['nsenter', '-t', String(pid), '-n', 'iptables', '-w', '-S', 'CHAOS-IN'])).stdout;
    };
    const ss1 = lab.network.addresses.addressOf('statestored-1');
    try {
      await two.start(routed.specs);
      await faults.cut('statestored-1', 'statestored-2');
      expect(await chainOf('statestored-2')).toContain(`-A CHAOS-IN -s ${ss1}/32 -j DROP`);
      await two.restart('statestored-2');
      expect(await chainOf('statestored-2')).toContain(`-A CHAOS-IN -s ${ss1}/32 -j DROP`);
      await faults.healAll();
      expect(await chainOf('statestored-2')).not.toContain(ss1);
    } finally {
      await faults.close();
      await two.stop();
    }
  });
});
