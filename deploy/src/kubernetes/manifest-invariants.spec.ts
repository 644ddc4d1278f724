/**
 * The rendered manifests hold the invariants of manifest-invariants.ts and daemon-flags.ts:
 * the pair's anti-affinity, Services and symmetry, probes, tagged images, requests, non-root,
 * disruption budgets, scrape annotations, and flags that parse and address the right hosts.
 * Each rule is also broken on purpose on a copy of the rendered base, and must fire.
 */
import type { KubeObject } from './kube-object';
import { addressViolations, daemonFlags } from './daemon-flags';
import { manifestViolations } from './manifest-invariants';
import type { InvariantOptions, InvariantRule, Violation } from './manifest-invariants';
import { BASE, kustomizeVersion, OVERLAYS, render, renderUnavailable } from './overlays';

const ci = process.env['CI'] === 'true';
if (renderUnavailable && !ci) process.stderr.write(`manifest-invariants.spec skipped: ${renderUnavailable}\n`);
const describeRendered = renderUnavailable && !ci ? describe.skip : describe;

function allViolations(objects: readonly KubeObject[], options: InvariantOptions): Violation[] {
  const out = manifestViolations(objects, options);
  const daemons = daemonFlags(objects, out);
  return [...out, ...addressViolations(objects, daemons)];
}

/** Plain mutable JSON, for breaking things. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function find(objects: Json[], kind: string, name: string): Json {
  const found = objects.find((o) => o['kind'] === kind && (o['metadata'] as Json)['name'] === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

const container = (o: Json): Json => o['spec']['template']['spec']['containers'][0] as Json;

describeRendered(`manifest invariants (rendered with ${kustomizeVersion})`, () => {
  it.each(OVERLAYS.map((o) => [o.name, o]))('%s holds every invariant', (_name, overlay) => {
    const objects = render(overlay);
    expect(allViolations(objects, overlay)).toEqual([]);
    // Not vacuous: every daemon's flags were found and parsed.
    const parsed = daemonFlags(objects, []).map((d) => `${d.workload.name}:${d.app}`);
    expect(parsed.sort()).toEqual(['StatefulSet/catalogd:catalogd', 'StatefulSet/coordinator:impalad', 'StatefulSet/executor:impalad', 'StatefulSet/statestored-1:statestored', 'StatefulSet/statestored-2:statestored']);
  });

  describe('fails when broken on purpose', () => {
    const base = BASE;
    let pristine: Json[] = [];
    beforeAll(() => {
      pristine = render(base) as unknown as Json[];
    });

    function broken(edit: (objects: Json[]) => void): Array<[InvariantRule, string, string]> {
      const objects = JSON.parse(JSON.stringify(pristine)) as Json[];
      edit(objects);
      return allViolations(objects as unknown as KubeObject[], base).map((v) => [v.rule, v.object, v.message]);
    }

    it('the pair without required anti-affinity', () => {
      const out = broken((o) => {
        delete find(o, 'StatefulSet', 'statestored-2')['spec']['template']['spec']['affinity'];
      });
      expect(out).toEqual(expect.arrayContaining([['pair-anti-affinity', 'StatefulSet/statestored-2', expect.stringContaining('no required pod anti-affinity')]]));
    });

    it('anti-affinity that repels only its own member', () => {
      const out = broken((o) => {
        const term = find(o, 'StatefulSet', 'statestored-1')['spec']['template']['spec']['affinity']['podAntiAffinity']['requiredDuringSchedulingIgnoredDuringExecution'][0] as Json;
        term['labelSelector'] = { matchLabels: { 'statestore-ha/member': 'statestored-1' } };
      });
      expect(out).toEqual(expect.arrayContaining([['pair-anti-affinity', 'StatefulSet/statestored-1', expect.any(String)]]));
    });

    it('a container without a liveness probe', () => {
      const out = broken((o) => {
        delete container(find(o, 'StatefulSet', 'catalogd'))['livenessProbe'];
      });
      expect(out).toEqual([['probes', 'StatefulSet/catalogd container catalogd', 'no livenessProbe']]);
    });

    it('a statestored without a startup probe', () => {
      const out = broken((o) => {
        for (const name of ['statestored-1', 'statestored-2']) delete container(find(o, 'StatefulSet', name))['startupProbe'];
      });
      expect(out.map(([rule, object]) => [rule, object])).toEqual([
        ['probes', 'StatefulSet/statestored-1 container statestored'],
        ['probes', 'StatefulSet/statestored-2 container statestored'],
      ]);
    });

    it('an image tagged latest, and one without a tag', () => {
      const out = broken((o) => {
        container(find(o, 'StatefulSet', 'executor'))['image'] = 'statestore-ha/impalad:latest';
        container(find(o, 'StatefulSet', 'coordinator'))['image'] = 'registry.example:5000/statestore-ha/impalad';
      });
      expect(out).toEqual(expect.arrayContaining([
        ['image-tag', 'StatefulSet/executor container impalad', 'statestore-ha/impalad:latest is tagged latest'],
        ['image-tag', 'StatefulSet/coordinator container impalad', 'registry.example:5000/statestore-ha/impalad has no tag: it means latest'],
      ]));
    });

    it('no CPU request', () => {
      const out = broken((o) => {
        delete container(find(o, 'StatefulSet', 'statestored-1'))['resources']['requests']['cpu'];
        delete container(find(o, 'StatefulSet', 'statestored-2'))['resources']['requests']['cpu'];
      });
      expect(out).toEqual([
        ['requests', 'StatefulSet/statestored-1 container statestored', 'no cpu request'],
        ['requests', 'StatefulSet/statestored-2 container statestored', 'no cpu request'],
      ]);
    });

    it('root', () => {
      const out = broken((o) => {
        const pod = find(o, 'StatefulSet', 'executor')['spec']['template']['spec'] as Json;
        pod['securityContext'] = { runAsUser: 0 };
        delete container(find(o, 'StatefulSet', 'executor'))['securityContext'];
      });
      expect(out.map(([rule]) => rule)).toEqual(['non-root', 'non-root', 'non-root', 'non-root', 'non-root']);
    });

    it('a workload no disruption budget covers', () => {
      const out = broken((o) => {
        o.splice(o.findIndex((x) => x['kind'] === 'PodDisruptionBudget' && x['metadata']['name'] === 'executor'), 1);
      });
      expect(out).toEqual([['disruption-budget', 'StatefulSet/executor', 'no PodDisruptionBudget selects its pods']]);
    });

    it('a statestored advertising its pod name, which its peer does not dial', () => {
      const out = broken((o) => {
        const c = container(find(o, 'StatefulSet', 'statestored-1'));
        c['args'] = (c['args'] as string[]).map((a) => (a === '--hostname=statestored-1' ? '--hostname=statestored-1-0' : a));
      });
      expect(out).toEqual([['addresses', 'StatefulSet/statestored-1 container statestored', '--hostname=statestored-1-0; its peer dials it as statestored-1']]);
    });

    it('a misspelt flag in the ConfigMap', () => {
      const out = broken((o) => {
        const cm = o.find((x) => x['kind'] === 'ConfigMap') as Json;
        cm['data']['statestored.flags'] = String(cm['data']['statestored.flags']).replace('--statestore_peer_timeout_seconds=', '--statestore_peer_timout_seconds=');
      });
      expect(out).toEqual(expect.arrayContaining([['flags', 'StatefulSet/statestored-1 container statestored', expect.stringContaining('statestore_peer_timout_seconds')]]));
    });

    it('loopback in the subscribers\' flags', () => {
      const out = broken((o) => {
        const cm = o.find((x) => x['kind'] === 'ConfigMap') as Json;
        cm['data']['impalad.flags'] = String(cm['data']['impalad.flags']).replace('--state_store_host=statestored-1', '--state_store_host=localhost');
      });
      expect(out).toEqual(expect.arrayContaining([
        ['addresses', 'StatefulSet/coordinator container impalad', '--state_store_host=localhost is loopback: on Kubernetes every peer is on another host'],
        ['addresses', 'StatefulSet/executor container impalad', '--state_store_host=localhost is loopback: on Kubernetes every peer is on another host'],
      ]));
    });

    it('a member Service that waits for readiness', () => {
      const out = broken((o) => {
        find(o, 'Service', 'statestored-2')['spec']['publishNotReadyAddresses'] = false;
      });
      expect(out).toEqual([['pair-services', 'Service/statestored-2', expect.stringContaining('must publish not-ready addresses')]]);
    });

    it('the two statestoreds drifting apart', () => {
      const out = broken((o) => {
        container(find(o, 'StatefulSet', 'statestored-2'))['resources']['limits']['memory'] = '2Gi';
      });
      expect(out).toEqual([['pair-symmetry', 'StatefulSet/statestored-1, StatefulSet/statestored-2', expect.any(String)]]);
    });
  });
});
