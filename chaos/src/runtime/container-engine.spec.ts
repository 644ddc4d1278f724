/**
 * The engine through testcontainers (Podman here), end to end: the base image runs node, our
 * toxiproxy image answers from a mapped port, containers on an --internal network reach each
 * other by name, a link is cut and healed with nsenter + iptables, and (where the binary is
 * found) Shopify's toxiproxy-server runs as the only file of its image and proxies by name.
 * Skipped, with the reason printed, only where no engine can be had (no socket and not root).
 */
import * as path from 'node:path';
import { GenericContainer, Wait } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ContainerFirewall } from '../netfault';
import { detectToxiproxy, findToxiproxyServerBinary } from '../toxiproxy';
import { containerEngineUnavailableReason, ensureContainerEngine, resolveBaseImage } from './container-engine';
import { engineApi, ignoreStatus } from './engine-api';
import { buildOwnToxiproxyImage, buildShopifyToxiproxyImage } from './toxiproxy-image';
import type { ContainerEngine } from './container-engine';

const REPO_ROOT = path.resolve(__dirname, '../../..');

jest.setTimeout(120_000);

const unavailable = containerEngineUnavailableReason();
// Jest hides console output of a file whose tests all skip: stderr and the suite title carry it.
if (unavailable) process.stderr.write(`container-engine.spec skipped: ${unavailable}\n`);
const describeIfEngine = unavailable ? describe.skip : describe;
const shopifyBinary = findToxiproxyServerBinary();
if (!unavailable && !shopifyBinary) process.stderr.write('container-engine.spec: no toxiproxy-server binary (TOXIPROXY_SERVER_BIN or PATH): its image test skipped\n');
const itIfShopifyBinary = shopifyBinary ? it : it.skip;

/** Fetches http://<host>:<port>/version from inside a container: prints the body or FAILED <why>. */
const FETCH_VERSION = `
const r = require('http').get({ host: process.argv[1], port: Number(process.argv[2] || 8474), path: '/version', timeout: 1500 }, (s) => s.pipe(process.stdout));
r.on('timeout', () => { console.log('FAILED timeout'); process.exit(0); });
r.on('error', (e) => { console.log('FAILED ' + e.code); process.exit(0); });`;

describeIfEngine(unavailable ? `container engine (skipped: ${unavailable})` : 'container engine', () => {
  let engine: ContainerEngine;
  let baseImage: string;
  let toxiproxyImage: string;
  const started: StartedTestContainer[] = [];
  const networks: string[] = [];

  beforeAll(async () => {
    const t0 = performance.now();
    const availability = await ensureContainerEngine(REPO_ROOT);
    if (!availability.ok) throw new Error(`engine expected but not available: ${availability.reason}`);
    engine = availability.engine;
    const t1 = performance.now();
    baseImage = await resolveBaseImage(engine, REPO_ROOT);
    const t2 = performance.now();
    toxiproxyImage = await buildOwnToxiproxyImage({ repoRoot: REPO_ROOT, baseImage });
    const t3 = performance.now();
    console.log(
      `${engine.kind} ${engine.version} at ${engine.socketPath}: engine ${Math.round(t1 - t0)} ms, base image ${Math.round(t2 - t1)} ms, toxiproxy image ${Math.round(t3 - t2)} ms`,
    );
  });

  afterAll(async () => {
    for (const container of started) await container.stop({ timeout: 1 }).catch(() => undefined);
    for (const network of networks) await (await engineApi()).getNetwork(network).remove().catch(ignoreStatus(404));
  });

  it('runs node in the base image', async () => {
    const container = await new GenericContainer(baseImage)
      .withCommand(['node', '-e', 'console.log(6 * 7)'])
      .withWaitStrategy(Wait.forOneShotStartup())
      .start();
    started.push(container);
    const logs = await container.logs();
    const text = await new Promise<string>((resolve) => {
      let out = '';
      logs.on('data', (d: Buffer | string) => (out += d.toString()));
      logs.on('end', () => resolve(out));
    });
    expect(text.trim()).toBe('42');
  });

  it('runs our toxiproxy image, reachable from the host on a mapped port, as a non-root user', async () => {
    const container = await new GenericContainer(toxiproxyImage)
      .withExposedPorts(8474)
      .withWaitStrategy(Wait.forHttp('/version', 8474))
      .start();
    started.push(container);
    const url = `http://${container.getHost()}:${container.getMappedPort(8474)}`;
    expect((await detectToxiproxy(url)).kind).toBe('statestore-ha');
    await new Toxiproxy(url).createProxy({ name: 'p', listen: '0.0.0.0:8666', upstream: '127.0.0.1:8474' });
    expect((await container.exec(['id', '-u'])).output.trim()).toBe('1000');
  });

  it('reaches a container by name on an --internal network, and cuts and heals that link with nsenter', async () => {
    const network = `chaos-spec-${process.pid}`;
    await (await engineApi()).createNetwork({ Name: network, Internal: true });
    networks.push(network);
    const server = await new GenericContainer(toxiproxyImage)
      .withNetworkMode(network)
      .withNetworkAliases('toxi')
      .withWaitStrategy(Wait.forLogMessage(/toxiproxy listening/))
      .start();
    started.push(server);
    // No exposed ports, so the default wait strategy has nothing to wait for.
    const client = await new GenericContainer(baseImage).withNetworkMode(network).withCommand(['node', '-e', 'setInterval(() => {}, 1000)']).start();
    started.push(client);
    const fetchVersion = async (): Promise<string> => (await client.exec(['node', '-e', FETCH_VERSION, 'toxi'])).output.trim();
    expect(await fetchVersion()).toContain('statestore-ha-toxiproxy');

    const serverPid = (await (await engineApi()).getContainer(server.getId()).inspect()).State.Pid;
    const clientAddress = client.getIpAddress(network);
    const firewall = await ContainerFirewall.forPid(serverPid);
    await firewall.drop(clientAddress);
    expect(await fetchVersion()).toBe('FAILED timeout'); // DROP: no RST, the request just hangs
    await firewall.healAll();
    expect(await fetchVersion()).toContain('statestore-ha-toxiproxy');
  });

  itIfShopifyBinary("runs Shopify's toxiproxy-server as the only file of its image, as nobody, proxying to a container by name", async () => {
    const image = await buildShopifyToxiproxyImage(shopifyBinary ?? '', baseImage);
    expect(image.origin).toContain('FROM scratch');
    const network = `chaos-spec-real-${process.pid}`;
    await (await engineApi()).createNetwork({ Name: network, Internal: true });
    networks.push(network);
    const real = await new GenericContainer(image.image).withNetworkMode(network).withNetworkAliases('real').start(); // logs nothing below warn: polled below
    started.push(real);
    const ours = await new GenericContainer(toxiproxyImage).withNetworkMode(network).withNetworkAliases('ours').withWaitStrategy(Wait.forLogMessage(/toxiproxy listening/)).start();
    started.push(ours);
    const client = await new GenericContainer(baseImage).withNetworkMode(network).withCommand(['node', '-e', 'setInterval(() => {}, 1000)']).start();
    started.push(client);
    const inspect = await (await engineApi()).getContainer(real.getId()).inspect();
    expect(inspect.Config.User).toBe('65534:65534');
    const realAddress = real.getIpAddress(network);
    // The harness drives the API from the host on the container's address (container-lab.ts).
    const api = new Toxiproxy(`http://${realAddress}:8474`);
    let identity = await detectToxiproxy(api.host).catch(() => undefined);
    for (let tries = 0; !identity && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      identity = await detectToxiproxy(api.host).catch(() => undefined);
    }
    expect(identity).toMatchObject({ kind: 'shopify', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    await api.createProxy({ name: 'to-ours', listen: '0.0.0.0:8666', upstream: 'ours:8474' }); // resolved by the real server, in its scratch image
    expect((await client.exec(['node', '-e', FETCH_VERSION, 'real', '8666'])).output.trim()).toContain('statestore-ha-toxiproxy');
  });
});
