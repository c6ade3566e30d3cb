import { TokenBucket } from '../src/servers/throttle';

describe("TokenBucket: API Gateway's throttling of one route", () => {
  let now = 0;
  const bucket = (rateLimit: number, burstLimit: number) => new TokenBucket({ rateLimit, burstLimit }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a burst through at once, then refuses, saying when the next token comes', () => {
    const route = bucket(5, 10);
    for (let i = 0; i < 10; i++) expect(route.take()).toEqual({ ok: true });
    expect(route.take()).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('refills at the steady rate, never beyond the burst', () => {
    const route = bucket(2, 3);
    for (let i = 0; i < 3; i++) route.take();
    now += 500;
    expect(route.take()).toEqual({ ok: true });
    expect(route.take().ok).toBe(false);
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(route.take()).toEqual({ ok: true });
    expect(route.take().ok).toBe(false);
  });

  it('counts Retry-After in whole seconds at a slow rate', () => {
    const route = bucket(0.25, 1);
    route.take();
    expect(route.take()).toEqual({ ok: false, retryAfterSeconds: 4 });
    now += 3_000;
    expect(route.take()).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(route.take()).toEqual({ ok: true });
  });

  it('refuses every request of a route throttled to 0', () => {
    expect(bucket(0, 0).take()).toEqual({ ok: false, retryAfterSeconds: 60 });
  });
});
