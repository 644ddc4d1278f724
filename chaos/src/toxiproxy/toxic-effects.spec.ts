import { planChunk } from './toxic-effects';
import { parseToxicSpec, streamOf } from './toxic';
import type { ToxicSpec } from './toxic';

const spec = (body: object): ToxicSpec => parseToxicSpec(body, () => false);

describe('planChunk', () => {
  const half = (): number => 0.5;

  it('passes untouched with no toxics or a noop', () => {
    expect(planChunk([], half)).toEqual({ kind: 'pass', delayMs: 0 });
    expect(planChunk([spec({ type: 'noop' })], half)).toEqual({ kind: 'pass', delayMs: 0 });
  });

  it('adds latencies; jitter is an integer draw in [-jitter, +jitter) as latency.go', () => {
    const toxics = [spec({ name: 'a', type: 'latency', attributes: { latency: 100, jitter: 50 } }), spec({ name: 'b', type: 'latency', attributes: { latency: 20 } })];
    expect(planChunk(toxics, () => 0)).toEqual({ kind: 'pass', delayMs: 50 + 20 });
    expect(planChunk(toxics, () => 0.999999)).toEqual({ kind: 'pass', delayMs: 149 + 20 });
  });

  it('sends at once when negative latency makes the delay negative', () => {
    expect(planChunk([spec({ type: 'latency', attributes: { latency: -300, jitter: 10 } })], half)).toEqual({ kind: 'pass', delayMs: 0 });
  });

  it('the first timeout or reset_peer in the chain takes the chunk, whatever latency precedes it', () => {
    const latency = spec({ type: 'latency', attributes: { latency: 100 } });
    const timeout = spec({ type: 'timeout', attributes: { timeout: 200 } });
    const reset = spec({ type: 'reset_peer', attributes: { timeout: 30 } });
    expect(planChunk([latency, timeout, reset], half)).toEqual({ kind: 'drop', by: timeout });
    expect(planChunk([latency, reset, timeout], half)).toEqual({ kind: 'reset', by: reset, afterMs: 30 });
  });
});

describe('parseToxicSpec', () => {
  it('defaults stream, toxicity, name and attributes like toxiproxy, and ignores unknown attributes', () => {
    expect(spec({ type: 'timeout' })).toEqual({ name: 'timeout_downstream', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    expect(spec({ type: 'latency', name: '', stream: null, toxicity: null, attributes: { latency: 5, bogus: 1 } })).toEqual({
      name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 },
    });
  });

  it('takes the stream case-insensitively and keeps its spelling, as stream.ParseDirection', () => {
    const upper = spec({ type: 'latency', stream: 'UPSTREAM' });
    expect(upper).toMatchObject({ name: 'latency_UPSTREAM', stream: 'UPSTREAM' });
    expect(streamOf(upper)).toBe('upstream');
  });

  it('accepts what Go accepts: negative integers, any toxicity', () => {
    expect(spec({ type: 'latency', toxicity: 2, attributes: { latency: -1 } })).toMatchObject({ toxicity: 2, attributes: { latency: -1 } });
  });

  it('refuses what Go refuses, in its order', () => {
    expect(() => spec({ type: 'latency', attributes: { latency: 1.5 } })).toThrow(/bad request body: latency must be an integer/);
    expect(() => spec({ type: 'latency', toxicity: 'x' })).toThrow(/bad request body/);
    expect(() => spec({ type: 'nonsense', stream: 'sideways' })).toThrow(/stream was invalid/);
    expect(() => spec({ type: 'nonsense', attributes: 5 })).toThrow(/bad request body: attributes/);
    expect(() => spec({ type: 'nonsense' })).toThrow(/invalid toxic type/);
    expect(() => parseToxicSpec({ type: 'latency', attributes: { latency: 'x' } }, () => true)).toThrow(/toxic already exists/);
  });

  it('names the toxics it leaves out instead of calling them invalid', () => {
    expect(() => spec({ type: 'bandwidth' })).toThrow(expect.objectContaining({ status: 501, message: expect.stringMatching(/^toxic type bandwidth \(supported: latency, timeout, reset_peer, noop\) is not implemented/) }));
  });
});
