import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('fires timers in time order, ties in the order they were set', () => {
    const c = new FakeClock(100);
    const log: string[] = [];
    c.at(300, () => log.push('c@300'));
    c.after(50, () => log.push('a@150'));
    c.at(150, () => log.push('b@150'));
    c.runUntil(1000);
    expect(log).toEqual(['a@150', 'b@150', 'c@300']);
    expect(c.now()).toBe(1000);
  });

  it('runs timers set by timers, within the window only', () => {
    const c = new FakeClock();
    const log: number[] = [];
    const tick = () => {
      log.push(c.now());
      c.after(100, tick);
    };
    c.after(100, tick);
    c.advance(350);
    expect(log).toEqual([100, 200, 300]);
    expect(c.nextAt()).toBe(400);
    expect(c.pending()).toBe(1);
  });

  it('cancelled timers never fire and are not pending', () => {
    const c = new FakeClock();
    let fired = false;
    const id = c.after(10, () => {
      fired = true;
    });
    c.cancel(id);
    c.cancel(id);
    expect(c.pending()).toBe(0);
    c.advance(100);
    expect(fired).toBe(false);
    expect(c.runNext()).toBe(false);
  });

  it('keeps order across many timers (heap)', () => {
    const c = new FakeClock();
    const got: number[] = [];
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const t of times) c.at(t, () => got.push(t));
    c.advance(1000);
    expect(got).toEqual([...times].sort((a, b) => a - b));
  });
});
