import { closeDelayMs, planChunk } from './toxic-effects';
import { applyToxicUpdate, parseToxicSpec } from './toxic';
import type { ToxicSpec } from './toxic';

const spec = (body: object): ToxicSpec => parseToxicSpec(body);

describe('planChunk', () => {
  const half = (): number => 0.5;

  it('passes untouched with no toxics', () => {
    expect(planChunk([], 0, half)).toEqual({ kind: 'pass', delayMs: 0, bytesPerMs: undefined, bytesLeft: undefined });
  });

  it('adds latencies and applies jitter as +-jitter around the latency', () => {
    const toxics = [spec({ name: 'a', type: 'latency', attributes: { latency: 100, jitter: 50 } }), spec({ name: 'b', type: 'latency', attributes: { latency: 20 } })];
    expect(planChunk(toxics, 0, () => 0)).toMatchObject({ delayMs: 50 + 20 });
    expect(planChunk(toxics, 0, () => 0.999999)).toMatchObject({ delayMs: expect.closeTo(150 + 20, 3) });
  });

  it('drops on timeout and resets on reset_peer, ahead of latency', () => {
    const latency = spec({ type: 'latency', attributes: { latency: 100 } });
    expect(planChunk([latency, spec({ type: 'timeout' })], 0, half)).toEqual({ kind: 'drop' });
    expect(planChunk([latency, spec({ type: 'reset_peer', attributes: { timeout: 30 } })], 0, half)).toEqual({ kind: 'reset', afterMs: 30 });
  });

  it('takes the slowest bandwidth and counts limit_data from bytes already passed', () => {
    const toxics = [
      spec({ name: 'fast', type: 'bandwidth', attributes: { rate: 100 } }),
      spec({ name: 'slow', type: 'bandwidth', attributes: { rate: 10 } }),
      spec({ type: 'limit_data', attributes: { bytes: 1000 } }),
    ];
    expect(planChunk(toxics, 400, half)).toMatchObject({ bytesPerMs: 10, bytesLeft: 600 });
    expect(planChunk(toxics, 5000, half)).toMatchObject({ bytesLeft: 0 });
  });

  it('sums slow_close delays', () => {
    expect(closeDelayMs([spec({ name: 'x', type: 'slow_close', attributes: { delay: 10 } }), spec({ name: 'y', type: 'slow_close', attributes: { delay: 5 } })])).toBe(15);
  });
});

describe('parseToxicSpec / applyToxicUpdate', () => {
  it('defaults stream, toxicity, name and attributes like toxiproxy', () => {
    expect(spec({ type: 'bandwidth' })).toEqual({ name: 'bandwidth_downstream', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 0 } });
  });

  it('ignores unknown attributes and keeps name, type and stream on update', () => {
    const original = spec({ type: 'latency', stream: 'upstream', attributes: { latency: 5, bogus: 1 } });
    expect(original.attributes).toEqual({ latency: 5, jitter: 0 });
    expect(applyToxicUpdate(original, { type: 'timeout', stream: 'downstream', toxicity: 0.5, attributes: { jitter: 3 } })).toEqual({
      name: 'latency_upstream', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 5, jitter: 3 },
    });
  });

  it('rejects a toxicity outside [0, 1]', () => {
    expect(() => spec({ type: 'latency', toxicity: 2 })).toThrow(/toxicity/);
  });
});
