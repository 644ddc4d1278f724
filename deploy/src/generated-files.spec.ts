import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ALERT_RULES_FILE, GENERATED_FILES, prometheusRuleYaml, REWRITE_HINT } from './generated-files';

const rewrite = process.env['REWRITE'] === '1';

describe('generated files', () => {
  it.each(GENERATED_FILES.map((f) => [path.relative(path.resolve(__dirname, '../..'), f.path), f] as const))('%s matches its source', (_name, file) => {
    const expected = file.render();
    if (rewrite) {
      fs.mkdirSync(path.dirname(file.path), { recursive: true });
      fs.writeFileSync(file.path, expected);
    }
    const actual = fs.existsSync(file.path) ? fs.readFileSync(file.path, 'utf8') : '';
    // One line of context rather than a 1,500-line diff: the fix is always the same command.
    if (actual !== expected) throw new Error(`${file.path} differs from what ${file.source} makes; run ${REWRITE_HINT}`);
  });

  it('carries every alert of docker/statestore-alerts.yml into the PrometheusRule unchanged', () => {
    const source = parse(fs.readFileSync(ALERT_RULES_FILE, 'utf8')) as { groups: unknown[] };
    const rule = parse(prometheusRuleYaml(fs.readFileSync(ALERT_RULES_FILE, 'utf8'))) as { spec: { groups: unknown[] } };
    expect(rule.spec.groups).toEqual(source.groups);
  });
});
