/**
 * Timing for the live preview: typing re-requests the DAG after a pause (debounce), and a reply that
 * arrives after a newer request was sent is dropped (latest wins), so a slow answer for old text never
 * replaces the graph of the current text.
 */

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export class Debouncer {
  private handle: unknown = undefined;

  constructor(
    private readonly delayMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Runs `action` once, `delayMs` after the last call. */
  schedule(action: () => void): void {
    this.cancel();
    this.handle = this.timers.set(() => {
      this.handle = undefined;
      action();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.handle !== undefined) {
      this.timers.clear(this.handle);
      this.handle = undefined;
    }
  }

  get isPending(): boolean {
    return this.handle !== undefined;
  }
}

export type Outcome<T> = { readonly status: 'current'; readonly value: T } | { readonly status: 'stale' };

export class LatestOnly {
  private latest = 0;

  /** Runs `request`; its result is `stale` if another request started meanwhile. Errors of a stale request are swallowed. */
  async run<T>(request: () => Promise<T>): Promise<Outcome<T>> {
    const ticket = ++this.latest;
    try {
      const value = await request();
      return ticket === this.latest ? { status: 'current', value } : { status: 'stale' };
    } catch (error) {
      if (ticket !== this.latest) {
        return { status: 'stale' };
      }
      throw error;
    }
  }

  /** Makes every request in flight stale (the panel switched documents). */
  invalidate(): void {
    this.latest++;
  }
}
