import { FakeClock } from './fake-clock';
import { SeededPrng } from './seeded-prng';
import { SimNetwork } from './sim-network';

function setup() {
  const clock = new FakeClock();
  const net = new SimNetwork<string>(clock, new SeededPrng(9), { minDelayMs: 5, maxDelayMs: 5, dropRate: 0 });
  const got: string[] = [];
  for (const n of ['a', 'b', 'c']) net.register(n, (from, m) => got.push(`${from}->${n}:${m}@${clock.now()}`));
  return { clock, net, got };
}

describe('SimNetwork', () => {
  it('delivers after the link delay', () => {
    const { clock, net, got } = setup();
    net.send('a', 'b', 'hi');
    clock.advance(4);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual(['a->b:hi@5']);
  });

  it('a symmetric partition cuts both ways; a one-way cut only one', () => {
    const { clock, net, got } = setup();
    net.partition('a', 'b');
    net.send('a', 'b', '1');
    net.send('b', 'a', '2');
    net.heal('a', 'b');
    net.cutOneWay('a', 'b');
    net.send('a', 'b', '3');
    net.send('b', 'a', '4');
    clock.advance(10);
    expect(got).toEqual(['b->a:4@5']);
    expect(net.canReach('a', 'b')).toBe(false);
    expect(net.canReach('b', 'a')).toBe(true);
  });

  it('a cut made while a message is in flight loses it', () => {
    const { clock, net, got } = setup();
    net.send('a', 'b', 'x');
    clock.advance(2);
    net.partition('a', 'b');
    clock.advance(10);
    expect(got).toEqual([]);
    expect(net.stats.dropped).toBe(1);
  });

  it('a crashed node loses what was in flight to it, even after a quick restart', () => {
    const { clock, net, got } = setup();
    net.send('a', 'b', 'old');
    net.crash('b');
    net.send('a', 'b', 'while-down');
    net.restart('b');
    net.send('a', 'b', 'new');
    clock.advance(10);
    expect(got).toEqual(['a->b:new@5']);
  });

  it('a paused node gets its messages, in order, on resume; it sends nothing while paused', () => {
    const { clock, net, got } = setup();
    net.pause('b');
    net.send('a', 'b', '1');
    net.send('a', 'b', '2');
    net.send('b', 'c', 'from-paused');
    clock.advance(10);
    expect(got).toEqual([]);
    net.resume('b');
    expect(got).toEqual(['a->b:1@10', 'a->b:2@10']);
  });

  it('keeps each direction FIFO under random delays, and drops at the configured rate', () => {
    const { clock, net, got } = setup();
    net.setLink('a', 'b', { minDelayMs: 1, maxDelayMs: 50, dropRate: 0 });
    for (let i = 0; i < 100; i++) net.send('a', 'b', String(i));
    clock.advance(100);
    expect(got.map((g) => Number(g.split(':')[1]?.split('@')[0]))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    got.length = 0;
    net.setLink('a', 'c', { minDelayMs: 1, maxDelayMs: 1, dropRate: 0.3 });
    for (let i = 0; i < 2000; i++) net.send('a', 'c', 'x');
    clock.advance(10);
    expect(Math.abs(got.length - 1400)).toBeLessThan(100);
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const { clock, net, got } = setup();
      net.setLink('a', 'b', { minDelayMs: 1, maxDelayMs: 30, dropRate: 0.2 });
      net.setLink('c', 'b', { minDelayMs: 1, maxDelayMs: 30, dropRate: 0.2 });
      for (let i = 0; i < 50; i++) {
        net.send('a', 'b', `a${i}`);
        net.send('c', 'b', `c${i}`);
      }
      clock.advance(100);
      return got;
    };
    expect(run()).toEqual(run());
  });
});
