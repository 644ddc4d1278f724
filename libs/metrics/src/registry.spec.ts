import { createCatalogdMetrics } from './catalogd-metrics';
import { createImpaladMetrics } from './impalad-metrics';
import { createRegistry } from './registry';
import { createStatestoredMetrics } from './statestored-metrics';
import { createSubscriberMetrics } from './subscriber-metrics';

describe('createRegistry', () => {
  it('labels every series with the daemon and collects event-loop lag', async () => {
    const registry = createRegistry('statestored');
    createStatestoredMetrics(registry).liveSubscribers.set(2);
    const text = await registry.metrics();
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{daemon="statestored"\} /m);
    expect(text.split('\n')).toContain('statestore_live_subscribers{daemon="statestored"} 2');
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.filter((l) => !l.includes('daemon="statestored"'))).toEqual([]);
  });

  it('keeps daemons in one process apart: two statestoreds, a catalogd and an impalad', async () => {
    const ss1 = createRegistry('statestored');
    const ss2 = createRegistry('statestored');
    const catalogd = createRegistry('catalogd');
    const impalad = createRegistry('impalad');
    const m1 = createStatestoredMetrics(ss1);
    const m2 = createStatestoredMetrics(ss2);
    createCatalogdMetrics(catalogd);
    createSubscriberMetrics(catalogd);
    createImpaladMetrics(impalad);
    createSubscriberMetrics(impalad).activeEpoch.set(7);

    m1.isActive.set(1);
    m2.isActive.set(0);
    expect((await ss1.metrics()).split('\n')).toContain('statestore_is_active{daemon="statestored"} 1');
    expect((await ss2.metrics()).split('\n')).toContain('statestore_is_active{daemon="statestored"} 0');
    const impaladText = await impalad.metrics();
    expect(impaladText.split('\n')).toContain('statestore_subscriber_active_epoch{daemon="impalad"} 7');
    expect(impaladText).not.toMatch(/^catalogd_/m);
    expect(await catalogd.metrics()).toContain('statestore_subscriber_active_epoch{daemon="catalogd"} 0');
  });

  it('still refuses one metric twice on one registry (a wiring bug)', () => {
    const registry = createRegistry('catalogd');
    createCatalogdMetrics(registry);
    expect(() => createCatalogdMetrics(registry)).toThrow(/catalogd_is_active/);
  });
});
