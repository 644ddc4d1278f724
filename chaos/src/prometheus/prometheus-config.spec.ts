import { renderFileSdTargets, renderPrometheusConfig } from './prometheus-config';

describe('prometheus config', () => {
  it('scrapes from a file_sd file at the given interval, timeout = interval', () => {
    const config = JSON.parse(renderPrometheusConfig({ jobName: 'chaos', scrapeIntervalMs: 250, evaluationIntervalMs: 500, metricsPath: '/metrics', targetsFile: '/tmp/t.json' }));
    expect(config.global).toEqual({ scrape_interval: '250ms', scrape_timeout: '250ms', evaluation_interval: '500ms' });
    expect(config.scrape_configs[0].file_sd_configs[0].files).toEqual(['/tmp/t.json']);
    expect(config.rule_files).toBeUndefined();
  });

  it('loads the rule files given', () => {
    const config = JSON.parse(renderPrometheusConfig({ jobName: 'chaos', scrapeIntervalMs: 250, evaluationIntervalMs: 250, metricsPath: '/metrics', targetsFile: '/t.json', ruleFiles: ['/etc/x/alerts.yml'] }));
    expect(config.rule_files).toEqual(['/etc/x/alerts.yml']);
  });

  it('refuses an interval below 100 ms', () => {
    expect(() => renderPrometheusConfig({ jobName: 'x', scrapeIntervalMs: 50, evaluationIntervalMs: 50, metricsPath: '/m', targetsFile: '/t' })).toThrow(RangeError);
  });

  it('writes one group per target with its labels', () => {
    expect(JSON.parse(renderFileSdTargets([{ address: 'a:1', labels: { daemon: 'x' } }, { address: 'b:2' }]))).toEqual([
      { targets: ['a:1'], labels: { daemon: 'x' } },
      { targets: ['b:2'], labels: {} },
    ]);
  });
});
