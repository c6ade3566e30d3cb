import { describeFigures, runChaos } from './chaos';

/**
 * Nothing lost, nothing doubled when AWS misbehaves (issue 14), in CI's time: 30 bookings (10 changed, 6 cancelled)
 * through every service while DynamoDB, S3, SES and EventBridge fail 20% of their data-plane requests and Lambda
 * stops 20% of invocations at their timeout, with a fixed seed. `npm run chaos` runs 200 bookings at 20% and 30%.
 * What "lost", "doubled" and "wrong" mean is written at the top of ./chaos.ts.
 */
describe('chaos: transient faults on every stand-in', () => {
  it('leaves every booking its page, crew event, calendar entry and crew notices, each exactly once', async () => {
    const figures = await runChaos({ bookings: 30, rate: 0.2, seed: 1414 });
    console.log(describeFigures(figures).join('\n'));
    // The faults were real: each kind was injected, and some work needed Lambda's retries or a redrive.
    for (const stand_in of ['dynamodb', 's3', 'ses', 'eventbridge', 'lambda'])
      expect(Object.keys(figures.faults).some((kind) => kind.startsWith(`${stand_in}:`))).toBe(true);
    expect(figures.retries).toBeGreaterThan(0);
    expect({ lost: figures.lost, doubled: figures.doubled, wrong: figures.wrong }).toEqual({
      lost: [],
      doubled: [],
      wrong: [],
    });
  }, 300_000);
});
