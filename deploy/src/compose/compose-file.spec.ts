/**
 * docker/docker-compose.yml cannot be brought up here (no registry for grafana/grafana or
 * prom/prometheus), so this checks what `docker compose config` would and what Grafana needs:
 * the file parses, every depends_on names a service, every bind mount exists, images are
 * pinned, and Grafana's provisioning points at the Prometheus service and at the dashboard the
 * builder generates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_DASHBOARD_FILE, REPO_ROOT } from '../generated-files';
import { DASHBOARD_UID } from '../grafana/statestore-dashboard';

const DOCKER_DIR = path.join(REPO_ROOT, 'docker');

interface Service {
  image?: string;
  build?: unknown;
  depends_on?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}

const compose = parse(fs.readFileSync(path.join(DOCKER_DIR, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

/** ${VAR:-default} as compose expands it with VAR unset. */
const withDefaults = (s: string): string => s.replace(/\$\{[A-Z_]+:-([^}]+)\}/g, '$1');

describe('docker/docker-compose.yml', () => {
  it('names only services it defines in depends_on', () => {
    const names = new Set(Object.keys(services));
    const dangling = Object.entries(services).flatMap(([name, s]) => (s.depends_on ?? []).filter((d) => !names.has(d)).map((d) => `${name} -> ${d}`));
    expect(dangling).toEqual([]);
  });

  it('mounts only files and folders that exist', () => {
    const missing = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0] ?? '')
      .filter((source) => source.startsWith('.') && !fs.existsSync(path.resolve(DOCKER_DIR, source)));
    expect(missing).toEqual([]);
  });

  it('pins every pulled image to a version', () => {
    const unpinned = Object.entries(services)
      .filter(([, s]) => s.image && !s.build)
      .map(([name, s]) => [name, withDefaults(s.image ?? '')] as const)
      .filter(([, image]) => !/:[^/]+$/.test(image) || image.endsWith(':latest'));
    expect(unpinned).toEqual([]);
  });

  describe('grafana', () => {
    const grafana = services['grafana'];
    const mountOf = (target: string): string => {
      const volume = (grafana?.volumes ?? []).find((v) => v.split(':')[1] === target);
      if (!volume) throw new Error(`grafana mounts nothing at ${target}`);
      return path.resolve(DOCKER_DIR, volume.split(':')[0] ?? '');
    };

    it('publishes port 3000 and starts after Prometheus', () => {
      expect(grafana?.ports).toEqual(['3000:3000']);
      expect(grafana?.depends_on).toContain('prometheus');
    });

    it('provisions the Prometheus service as the default data source', () => {
      const file = path.join(mountOf('/etc/grafana/provisioning'), 'datasources/prometheus.yml');
      const { datasources } = parse(fs.readFileSync(file, 'utf8')) as { datasources: Array<{ type: string; url: string; isDefault: boolean; jsonData: { timeInterval: string } }> };
      const prometheusPort = (services['prometheus']?.ports ?? [])[0]?.split(':')[1];
      expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: `http://prometheus:${prometheusPort}`, isDefault: true })]);
      // $__rate_interval is four of these: it must be the scrape interval compose's Prometheus uses.
      const scrape = (parse(fs.readFileSync(path.join(DOCKER_DIR, 'prometheus.yml'), 'utf8')) as { global: { scrape_interval: string } }).global.scrape_interval;
      expect(datasources[0]?.jsonData.timeInterval).toBe(scrape);
    });

    it('provisions the generated dashboard from the folder it mounts', () => {
      const file = path.join(mountOf('/etc/grafana/provisioning'), 'dashboards/statestore-ha.yml');
      const { providers } = parse(fs.readFileSync(file, 'utf8')) as { providers: Array<{ type: string; options: { path: string } }> };
      expect(providers.map((p) => [p.type, p.options.path])).toEqual([['file', '/var/lib/grafana/dashboards']]);
      const dashboards = mountOf('/var/lib/grafana/dashboards');
      expect(path.join(dashboards, path.basename(COMPOSE_DASHBOARD_FILE))).toBe(COMPOSE_DASHBOARD_FILE);
      const home = grafana?.environment?.['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'] ?? '';
      expect(path.join(dashboards, path.relative('/var/lib/grafana/dashboards', home))).toBe(COMPOSE_DASHBOARD_FILE);
      expect((JSON.parse(fs.readFileSync(COMPOSE_DASHBOARD_FILE, 'utf8')) as { uid: string }).uid).toBe(DASHBOARD_UID);
    });
  });
});
