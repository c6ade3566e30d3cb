import { randomInt } from 'node:crypto';
import { FAULT_TARGETS, validateFaults, type FaultOptions, type FaultTarget } from './options';

/** Where faults come from: a stand-in, or the Lambda runtime (timeouts). */
export type FaultSource = FaultTarget | 'lambda';

/** The rolls that pick which fault a chosen request gets and how; each in [0, 1). */
export type FaultRolls = readonly [kind: number, detail: number];

/** What a LocalCloud says about its faults: the options, the seed in use, and what was injected so far. */
export interface LocalFaults {
  readonly options: FaultOptions;
  readonly seed: number;
  /** Faults injected by `<source>:<error>` (e.g. `dynamodb:ThrottlingException`), in the order first seen. */
  injected(): Record<string, number>;
  total(): number;
  /** `dynamodb 20%, s3 20%, ..., seed 42`, or `off`. */
  describe(): string;
}

/**
 * Decides, request by request, which ones fail. Each source draws from its own PRNG, seeded from
 * the run's seed and the source's name, so one stand-in's traffic leaves another's sequence alone;
 * every decision takes exactly three numbers, so what one request drew never shifts the next.
 */
export class FaultInjector implements LocalFaults {
  readonly options: FaultOptions;
  readonly seed: number;
  private readonly streams = new Map<FaultSource, () => number>();
  private readonly counts = new Map<string, number>();

  constructor(options: FaultOptions = {}) {
    this.options = validateFaults({ ...options });
    this.seed = options.seed ?? randomInt(2 ** 32 - 1);
  }

  rate(source: FaultSource): number {
    return (source === 'lambda' ? this.options.lambdaTimeout : this.options[source]) ?? 0;
  }

  /** One decision: undefined (answer normally), or the rolls that pick the fault. */
  draw(source: FaultSource): FaultRolls | undefined {
    const rate = this.rate(source);
    if (rate <= 0) return undefined;
    let next = this.streams.get(source);
    if (!next) {
      next = seededRandom(streamSeed(this.seed, source));
      this.streams.set(source, next);
    }
    const [chosen, kind, detail] = [next(), next(), next()];
    return chosen < rate ? [kind, detail] : undefined;
  }

  record(source: FaultSource, kind: string): void {
    const key = `${source}:${kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  injected(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }

  describe(): string {
    const rates = [...FAULT_TARGETS, 'lambda' as const]
      .filter((source) => this.rate(source) > 0)
      .map((source) => `${source === 'lambda' ? 'lambda-timeout' : source} ${percent(this.rate(source))}`);
    return rates.length === 0 ? 'off' : `${rates.join(', ')}, seed ${this.seed}`;
  }
}

const percent = (rate: number) => `${Number((rate * 100).toFixed(2))}%`;

/** mulberry32: a small, well-spread 32-bit PRNG; the same seed gives the same numbers everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** FNV-1a of `<seed>:<source>`: one independent stream per source. */
function streamSeed(seed: number, source: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${source}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}
