import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

/**
 * The local HTTP API throttles each route as the service's HTTP API stage says (serverless.yml's HttpApiStage:
 * RouteSettings, else DefaultRouteSettings), with API Gateway's token bucket per route, through real HTTP.
 */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['scc'], run: true });
});
afterAll(() => cloud.stop());

const limitsOf = (routeKey: string) => {
  const route = cloud.services.flatMap((s) => s.routes).find((r) => r.routeKey === routeKey);
  if (!route?.throttle) throw new Error(`${routeKey} has no throttling`);
  return route.throttle;
};

/** `count` requests sent at once; the statuses, and what each 429 said. */
async function burst(count: number, path: string, init: RequestInit = {}) {
  const responses = await Promise.all(
    Array.from({ length: count }, () => fetch(`${cloud.endpoints.api}${path}`, init)),
  );
  return Promise.all(
    responses.map(async (res) => ({
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: res.status === 429 ? ((await res.json()) as unknown) : await res.text(),
    })),
  );
}

describe('throttling in the local HTTP API', () => {
  it('reads the limits from serverless.yml: the crew routes tighter than the stage default', () => {
    const crew = limitsOf('GET /crew/{event_id}');
    const operator = limitsOf('GET /events');
    expect(crew.burstLimit).toBeLessThan(operator.burstLimit);
    expect(crew.rateLimit).toBeLessThan(operator.rateLimit);
    expect(limitsOf('POST /crew/{event_id}/confirm')).toEqual(crew);
  });

  it('answers a burst beyond the limit 429 too_many_requests with Retry-After; within it, never 429', async () => {
    const { burstLimit, rateLimit } = limitsOf('GET /crew/{event_id}');
    const started = Date.now();
    const answers = await burst(burstLimit + 10, '/crew/evt_nosuchevent0000000?token=x');
    const refilled = Math.ceil(((Date.now() - started) / 1000) * rateLimit);
    const throttled = answers.filter((a) => a.status === 429);
    const through = answers.filter((a) => a.status !== 429);
    // The bucket starts full: every request of the burst gets through (the handler refuses the bad link itself).
    expect(through.length).toBeGreaterThanOrEqual(burstLimit);
    // All were sent at once: only what the bucket refilled while they arrived gets through beyond the burst.
    expect(through.length).toBeLessThanOrEqual(burstLimit + refilled);
    expect(through.every((a) => a.status >= 400 && a.status < 500)).toBe(true);
    for (const answer of throttled) {
      expect(answer.body).toEqual({
        error: 'too_many_requests',
        message: expect.stringContaining('GET /crew/{event_id}') as unknown,
      });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // After the time it names, the route answers again.
    await new Promise((resolve) => setTimeout(resolve, Number(throttled[0]!.retryAfter) * 1000));
    const [after] = await burst(1, '/crew/evt_nosuchevent0000000?token=x');
    expect(after!.status).not.toBe(429);
  });

  it('throttles each route on its own: a flood of the crew page leaves confirm alone', async () => {
    const { burstLimit } = limitsOf('GET /crew/{event_id}');
    await burst(burstLimit + 5, '/crew/evt_nosuchevent0000000');
    const confirm = await burst(
      limitsOf('POST /crew/{event_id}/confirm').burstLimit,
      '/crew/evt_x0000000000000000/confirm',
      {
        method: 'POST',
      },
    );
    expect(confirm.filter((a) => a.status === 429)).toEqual([]);
  });

  it('gives the other routes the stage default', async () => {
    const { burstLimit } = limitsOf('GET /events');
    // Twice the burst: the bucket refills at the route's rate while the requests go out (slowly on a busy machine),
    // so only "at least the burst answered, and some refused" holds whatever the machine's speed.
    const answers = await burst(burstLimit * 2, '/events?booking_id=xhqgmdh');
    const throttled = answers.filter((a) => a.status === 429).length;
    expect(answers.length - throttled).toBeGreaterThanOrEqual(burstLimit);
    expect(throttled).toBeGreaterThanOrEqual(1);
  });
});
