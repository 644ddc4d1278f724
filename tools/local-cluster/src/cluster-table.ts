import type { DaemonProcess } from '@statestore-ha/cluster';

interface Row {
  daemon: string;
  pid: string;
  state: string;
  detail: string;
}

async function rowFor(d: DaemonProcess): Promise<Row> {
  const base = { daemon: d.name, pid: String(d.pid ?? '-') };
  if (!d.running) return { ...base, state: 'stopped', detail: '' };
  try {
    if (d.spec.app === 'statestored') {
      const subs = await d.getJson<{ num_subscribers: number }>('/subscribers');
      const metrics = await d.getText('/metrics');
      const active = /^statestore_is_active(?:\{[^}]*\})? 1$/m.test(metrics);
      const ha = /^statestore_is_active/m.test(metrics);
      return { ...base, state: ha ? (active ? 'ACTIVE' : 'standby') : 'up', detail: `${subs.num_subscribers} subscribers` };
    }
    const status = await d.getJson<{ statestore: { active?: number; statestores: Array<{ phase: string }> }; catalog_version?: number; membership?: string[]; is_active?: boolean }>('/status');
    const links = status.statestore.statestores.map((s, i) => `ss${i + 1}:${s.phase}`).join(' ');
    const follows = status.statestore.active ? `follows ss${status.statestore.active}` : 'no active statestored';
    const extra =
      d.spec.app === 'catalogd'
        ? `catalog v${status.catalog_version} ${status.is_active ? 'ACTIVE' : 'standby'}`
        : `${status.membership?.length ?? 0} members, catalog v${status.catalog_version ?? 0}`;
    return { ...base, state: 'up', detail: `${links}, ${follows}; ${extra}` };
  } catch (err) {
    return { ...base, state: 'starting', detail: err instanceof Error ? err.message : String(err) };
  }
}

/** A plain-text table of every daemon's state, from its own HTTP pages. */
export async function clusterTable(daemons: readonly DaemonProcess[]): Promise<string> {
  const rows = await Promise.all(daemons.map(rowFor));
  const head: Row = { daemon: 'DAEMON', pid: 'PID', state: 'STATE', detail: 'DETAIL' };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  return all.map((r) => `${r.daemon.padEnd(w('daemon'))}  ${r.pid.padEnd(w('pid'))}  ${r.state.padEnd(w('state'))}  ${r.detail}`).join('\n');
}
