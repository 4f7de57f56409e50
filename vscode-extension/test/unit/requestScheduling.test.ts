import { describe, expect, it } from 'vitest';
import { Debouncer, LatestOnly, type Timers } from '../../src/dag/requestScheduling';

/** Timers under the test's control: `advance(ms)` fires what is due. */
function manualTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let nextId = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  return {
    set: (callback, ms) => {
      pending.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clear: (handle) => {
      pending.delete(handle as number);
    },
    advance: (ms) => {
      now += ms;
      for (const [id, timer] of [...pending]) {
        if (timer.at <= now) {
          pending.delete(id);
          timer.callback();
        }
      }
    },
  };
}

describe('Debouncer', () => {
  it('runs once, after the last of a burst of calls (typing)', () => {
    const timers = manualTimers();
    const debouncer = new Debouncer(300, timers);
    let runs = 0;
    for (let i = 0; i < 5; i++) {
      debouncer.schedule(() => runs++);
      timers.advance(100);
    }
    expect(runs).toBe(0);
    timers.advance(200);
    expect(runs).toBe(1);
    expect(debouncer.isPending).toBe(false);
  });

  it('does not run after cancel', () => {
    const timers = manualTimers();
    const debouncer = new Debouncer(300, timers);
    let runs = 0;
    debouncer.schedule(() => runs++);
    debouncer.cancel();
    timers.advance(1000);
    expect(runs).toBe(0);
  });
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('LatestOnly', () => {
  it('drops a reply that arrives after a newer request was sent', async () => {
    const latest = new LatestOnly();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = latest.run(() => slow.promise);
    const second = latest.run(() => fast.promise);
    fast.resolve('new text');
    slow.resolve('old text');
    expect(await second).toEqual({ status: 'current', value: 'new text' });
    expect(await first).toEqual({ status: 'stale' });
  });

  it('passes the error of the latest request on, and swallows a stale one', async () => {
    const latest = new LatestOnly();
    const old = deferred<string>();
    const first = latest.run(() => old.promise);
    const second = latest.run(() => Promise.reject(new Error('server gone')));
    old.reject(new Error('ignored'));
    await expect(second).rejects.toThrow('server gone');
    expect(await first).toEqual({ status: 'stale' });
  });

  it('makes everything in flight stale on invalidate (document switched)', async () => {
    const latest = new LatestOnly();
    const reply = deferred<number>();
    const pending = latest.run(() => reply.promise);
    latest.invalidate();
    reply.resolve(1);
    expect(await pending).toEqual({ status: 'stale' });
  });
});
