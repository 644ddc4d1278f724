import { clusterLayout, impalaDefaultPorts, portsFrom, portsNeeded, type ClusterPorts } from './cluster-layout';
import type { DaemonSpec } from './daemon-process';

function byName(specs: readonly DaemonSpec[], name: string): DaemonSpec {
  const s = specs.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name} in ${specs.map((x) => x.name).join(', ')}`);
  return s;
}

// Ports chosen so every role has a recognisable range: a wrong index shows up as a wrong hundred.
const PORTS: ClusterPorts = {
  statestore: [1100, 1101],
  statestoreHa: [1200, 1201],
  statestoreWeb: [1300, 1301],
  catalogService: [1400, 1401],
  catalogWeb: [1500, 1501],
  impaladWeb: [1600, 1601, 1602],
  krpc: [1700, 1701, 1702],
};

describe('impalaDefaultPorts', () => {
  it("follows bin/start-impala-cluster.py: statestored i on 24000+i, HA 24020+i, web 25010+i; impalads and catalogds count up from Impala's defaults", () => {
    expect(impalaDefaultPorts(3, 2)).toEqual({
      statestore: [24000, 24001],
      statestoreHa: [24020, 24021],
      statestoreWeb: [25010, 25011],
      catalogService: [26000, 26001],
      catalogWeb: [25020, 25021],
      impaladWeb: [25000, 25001, 25002],
      krpc: [27000, 27001, 27002],
    });
  });

  it('sizes the per-daemon lists by the daemon counts', () => {
    const p = impalaDefaultPorts(1, 1);
    expect(p.catalogService).toEqual([26000]);
    expect(p.impaladWeb).toEqual([25000]);
    expect(p.krpc).toEqual([27000]);
  });
});

describe('portsFrom', () => {
  const free = (n: number, from = 40000): number[] => Array.from({ length: n }, (_, i) => from + i);

  it('uses each given port once and needs exactly portsNeeded of them', () => {
    const given = free(portsNeeded(2, 2));
    const p = portsFrom(given, 2, 2);
    const used = [...p.statestore, ...p.statestoreHa, ...p.statestoreWeb, ...p.catalogService, ...p.catalogWeb, ...p.impaladWeb, ...p.krpc];
    expect([...used].sort()).toEqual([...given].sort());
    expect(p.catalogService).toHaveLength(2);
    expect(p.impaladWeb).toHaveLength(2);
    expect(p.krpc).toHaveLength(2);
  });

  it('throws naming how many ports it needs when given too few', () => {
    expect(() => portsFrom(free(portsNeeded(1, 1) - 1), 1, 1)).toThrow(`need ${portsNeeded(1, 1)} ports, got ${portsNeeded(1, 1) - 1}`);
  });

  it("keeps statestored-1's HA port the lower STRING, because Impala's address priority compares host:port strings", () => {
    // 10000 < 9999 as strings although not as numbers: statestored-1 must get 10000.
    const given = [9999, 10000, ...free(portsNeeded(1, 1) - 2)];
    expect(portsFrom(given, 1, 1).statestoreHa).toEqual([10000, 9999]);
    const swapped = [10000, 9999, ...free(portsNeeded(1, 1) - 2)];
    expect(portsFrom(swapped, 1, 1).statestoreHa).toEqual([10000, 9999]);
    const sameLength = [40101, 40100, ...free(portsNeeded(1, 1) - 2, 50000)];
    expect(portsFrom(sameLength, 1, 1).statestoreHa).toEqual([40100, 40101]);
  });
});

describe('portsNeeded', () => {
  it('counts six statestored ports plus two per catalogd and two per impalad', () => {
    expect(portsNeeded(0, 0)).toBe(6);
    expect(portsNeeded(3, 1)).toBe(6 + 2 + 6);
    expect(portsNeeded(1, 2)).toBe(6 + 4 + 2);
  });
});

describe('clusterLayout', () => {
  it('without HA: one statestored with no HA flags, and subscribers that know only statestored 1', () => {
    const specs = clusterLayout({ ha: false, executors: 1, ports: PORTS });
    expect(specs.map((s) => s.name)).toEqual(['statestored-1', 'catalogd-1', 'coordinator-1', 'executor-1']);
    const ss = byName(specs, 'statestored-1');
    expect(ss).toEqual({
      name: 'statestored-1',
      app: 'statestored',
      flags: { hostname: '127.0.0.1', state_store_port: 1100, webserver_port: 1300 },
      webPort: 1300,
    });
    for (const name of ['catalogd-1', 'coordinator-1', 'executor-1']) {
      const f = byName(specs, name).flags;
      expect(f).toMatchObject({ state_store_host: '127.0.0.1', state_store_port: 1100 });
      expect(f).not.toHaveProperty('enable_statestored_ha');
      expect(f).not.toHaveProperty('state_store_2_port');
      expect(f).not.toHaveProperty('state_store_2_host');
    }
  });

  it("with HA: two statestoreds that name each other's HA port as their peer", () => {
    const specs = clusterLayout({ ha: true, executors: 0, ports: PORTS, host: '10.0.0.5' });
    expect(byName(specs, 'statestored-1').flags).toEqual({
      hostname: '10.0.0.5',
      state_store_port: 1100,
      webserver_port: 1300,
      enable_statestored_ha: true,
      state_store_ha_port: 1200,
      state_store_peer_host: '10.0.0.5',
      state_store_peer_ha_port: 1201,
    });
    expect(byName(specs, 'statestored-2').flags).toMatchObject({
      state_store_port: 1101,
      webserver_port: 1301,
      state_store_ha_port: 1201,
      state_store_peer_ha_port: 1200,
    });
    expect(byName(specs, 'statestored-2').webPort).toBe(1301);
  });

  it('with HA every subscriber points at both statestoreds', () => {
    const specs = clusterLayout({ ha: true, catalogds: 2, coordinators: 1, executors: 2, ports: PORTS });
    const subscribers = specs.filter((s) => s.app !== 'statestored');
    expect(subscribers.map((s) => s.name)).toEqual(['catalogd-1', 'catalogd-2', 'coordinator-1', 'executor-1', 'executor-2']);
    for (const s of subscribers) {
      expect(s.flags).toMatchObject({
        enable_statestored_ha: true,
        state_store_host: '127.0.0.1',
        state_store_port: 1100,
        state_store_2_host: '127.0.0.1',
        state_store_2_port: 1101,
      });
    }
  });

  it('gives each catalogd and impalad its own ports, coordinators first', () => {
    const specs = clusterLayout({ ha: false, catalogds: 2, coordinators: 2, executors: 1, ports: PORTS });
    expect(byName(specs, 'catalogd-2').flags).toMatchObject({ catalog_service_port: 1401, webserver_port: 1501 });
    expect(byName(specs, 'catalogd-2').webPort).toBe(1501);
    expect(byName(specs, 'coordinator-2').flags).toMatchObject({ is_coordinator: true, is_executor: false, krpc_port: 1701, webserver_port: 1601 });
    expect(byName(specs, 'executor-1').flags).toMatchObject({ is_coordinator: false, is_executor: true, krpc_port: 1702, webserver_port: 1602 });
    expect(byName(specs, 'executor-1').webPort).toBe(1602);
  });

  it('applies per-role flags last, so a test can override what the layout chose', () => {
    const specs = clusterLayout({
      ha: true,
      executors: 1,
      ports: PORTS,
      statestored: { statestore_heartbeat_frequency_ms: 100, state_store_peer_ha_port: 9 },
      subscriber: { statestore_subscriber_timeout_seconds: 2, state_store_2_port: 7 },
      impalad: { statestore_subscriber_timeout_seconds: 3 },
      catalogd: { enable_catalogd_ha: true },
    });
    expect(byName(specs, 'statestored-1').flags).toMatchObject({ statestore_heartbeat_frequency_ms: 100, state_store_peer_ha_port: 9 });
    expect(byName(specs, 'catalogd-1').flags).toMatchObject({ statestore_subscriber_timeout_seconds: 2, state_store_2_port: 7, enable_catalogd_ha: true });
    expect(byName(specs, 'executor-1').flags).toMatchObject({ statestore_subscriber_timeout_seconds: 3, state_store_2_port: 7 });
    expect(byName(specs, 'executor-1').flags).not.toHaveProperty('enable_catalogd_ha');
  });
});
