import { DaemonProcess, type DaemonProcessOptions, type DaemonSpec } from './daemon-process';

/**
 * A set of daemon processes started in order (statestoreds, then catalogds, then impalads, as
 * Impala's start-impala-cluster.py does) and stopped together, also when a test fails.
 */
export class Cluster {
  readonly daemons: DaemonProcess[];

  constructor(specs: readonly DaemonSpec[], opts: DaemonProcessOptions | ((spec: DaemonSpec) => DaemonProcessOptions)) {
    this.daemons = specs.map((s) => new DaemonProcess(s, typeof opts === 'function' ? opts(s) : opts));
  }

  get(name: string): DaemonProcess {
    const d = this.daemons.find((x) => x.name === name);
    if (!d) throw new Error(`no daemon ${name} in this cluster (have ${this.daemons.map((x) => x.name).join(', ')})`);
    return d;
  }

  byApp(app: DaemonSpec['app']): DaemonProcess[] {
    return this.daemons.filter((d) => d.spec.app === app);
  }

  async start(timeoutMs = 30_000): Promise<void> {
    for (const app of ['statestored', 'catalogd', 'impalad'] as const) {
      const group = this.byApp(app);
      for (const d of group) d.start();
      await Promise.all(group.map((d) => d.waitHealthy(timeoutMs)));
    }
  }

  async stop(): Promise<void> {
    // Subscribers first, so their clean unregistration is seen; then the statestoreds.
    for (const app of ['impalad', 'catalogd', 'statestored'] as const) {
      await Promise.all(this.byApp(app).map((d) => d.close()));
    }
  }
}
