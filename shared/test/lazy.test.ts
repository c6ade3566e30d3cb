import { S3Client } from '@aws-sdk/client-s3';
import { lazy } from '../src/lazy';

class Counter {
  static made = 0;
  #count = 0;
  constructor() {
    Counter.made++;
  }
  add(by: number): number {
    this.#count += by;
    return this.#count;
  }
}

describe('lazy', () => {
  beforeEach(() => {
    Counter.made = 0;
  });

  it('makes nothing at module load, and the object once on its first use', () => {
    const counter = lazy(() => new Counter());
    expect(Counter.made).toBe(0);
    expect(counter.add(2)).toBe(2);
    expect(counter.add(3)).toBe(5);
    expect(Counter.made).toBe(1);
  });

  it("runs methods on the real object, whose private fields a proxy's `this` would not have", () => {
    const counter = lazy(() => new Counter());
    // `#count` read through the proxy itself would throw a TypeError.
    expect(counter.add(4)).toBe(4);
  });

  it('is still an instance of its class, as SDK helpers given a client check', () => {
    const s3 = lazy(() => new S3Client({ region: 'us-west-2' }));
    expect(s3).toBeInstanceOf(S3Client);
    expect(typeof s3.send).toBe('function');
    expect(s3.config.forcePathStyle).toBe(false);
  });

  it('passes on a failure to make the object, and tries again on the next use', () => {
    let attempts = 0;
    const broken = lazy<{ ok: boolean }>(() => {
      attempts++;
      if (attempts === 1) throw new Error('no region');
      return { ok: true };
    });
    expect(() => broken.ok).toThrow('no region');
    expect(broken.ok).toBe(true);
  });
});
