import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CrewNotified, eventCatalog, type DetailType } from '@charter/events';
import {
  faultProxy,
  startLocalCloud,
  type FaultProxy,
  type LocalCloud,
  type ProxiedRequest,
  type ProxyAction,
} from '@charter/local/testing';
import { calendarUpdated, eventCreated } from './fixtures';
import { mailFor } from './harness';

/**
 * Hole 1 of issue 14 ("a crew email can be lost for good"), through the local cloud's Lambda runtime: the events go
 * on the bus, the notifier runs in its execution environment, retried as Lambda retries. Its DynamoDB and SES
 * requests pass a proxy that picks one request to fault: an invocation stopped at its timeout between its claim and
 * SendEmail (the environment is killed while the request waits), and a claim whose answer DynamoDB lost (the SDK
 * retries a conditional write that was applied). Either way the member is emailed exactly once.
 */
const FUNCTION = 'charter-notifications-local-onSuccessEvent';
const DECKHAND = { member: 'theo-park', address: 'deckhand@crew.example.com' };

let cloud: LocalCloud;
let proxy: FaultProxy;
let decide: (request: ProxiedRequest) => ProxyAction = () => 'forward';
const bus = new EventBridgeClient({});
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  cloud = await startLocalCloud({ services: ['scc', 'notifications'], run: true });
  proxy = await faultProxy({ dynamodb: cloud.endpoints.dynamodb, ses: cloud.endpoints.ses }, (r) => decide(r));
  // The notifier's environment talks to DynamoDB and SES through the proxy; its timeout is cut from 30 s to 4 s so
  // that a held request ends in Lambda's timeout within the test (the rest of its wiring is serverless.yml's).
  const wiring = cloud.runtime!.wiring(FUNCTION);
  Object.assign(wiring.environment, { AWS_ENDPOINT_URL_DYNAMODB: proxy.url, AWS_ENDPOINT_URL_SESV2: proxy.url });
  wiring.timeoutSeconds = 4;
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  await proxy?.close();
  bus.destroy();
  dynamo.destroy();
});

/** One success event put on the bus as its service publishes it. */
async function publish(type: DetailType, detail: unknown): Promise<void> {
  const result = await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'charter-bookings-local',
          Source: eventCatalog[type].source,
          DetailType: type,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(result.FailedEntryCount).toBe(0);
}

/**
 * SCC's EventCreated, then (once the notifier has kept it) the calendar's CalendarUpdated: one invocation joins the
 * two and claims the crew's notices, so the request the test faults is that invocation's.
 */
async function publishSuccess(bookingId: string): Promise<void> {
  await publish('EventCreated', eventCreated(bookingId));
  await cloud.idle();
  await publish('CalendarUpdated', calendarUpdated(bookingId));
  await cloud.idle();
}

/** A claim of the member's own notice (not of the captain's copy of it, whose path names `copy`). */
const isClaimOf = (r: ProxiedRequest, member: string) =>
  r.target === 'dynamodb' &&
  r.operation === 'UpdateItem' &&
  r.body.includes(member) &&
  r.body.includes('claimed_at') &&
  !r.body.includes('"copy"');
const concerns = (r: ProxiedRequest, who: typeof DECKHAND) =>
  (r.target === 'dynamodb' && r.operation === 'UpdateItem' && r.body.includes(who.member)) ||
  (r.target === 'ses' && r.body.includes(who.address));
const invocations = () => cloud.runtime!.history.filter((h) => h.functionName === FUNCTION);
/** How many of the function's invocations since the `before`-th failed (the one a test killed among them). */
const failedSince = (before: number) =>
  invocations()
    .slice(before)
    .filter((h) => !h.ok).length;
const crewNotified = (bookingId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'CrewNotified')
    .map((e) => CrewNotified.parse(e.detail))
    .filter((d) => d.booking_id === bookingId);
const deadLetters = () => cloud.sqs.count(cloud.sqs.url('charter-notifications-dlq-local'));

async function expectEachMemberEmailedOnce(bookingId: string): Promise<void> {
  const mail = await mailFor(cloud, bookingId);
  const to = mail.map((m) => m.destination.to[0]).sort();
  expect(to).toEqual(['captain@crew.example.com', DECKHAND.address, 'mate@crew.example.com']);
  const notices = crewNotified(bookingId);
  expect(notices).toHaveLength(1);
  expect(notices[0]!.recipients.map((r) => r.member_id).sort()).toEqual(['isla-moreno', 'rowan-hale', 'theo-park']);
}

describe('a crew email survives the notifier dying halfway', () => {
  it('emails the member exactly once when the invocation is killed between its claim and SendEmail', async () => {
    const id = 'killed-after-claim';
    let claimed = false;
    let held: ProxiedRequest | undefined;
    const before = invocations().length;
    decide = (r) => {
      if (held || !r.body.includes(id)) return 'forward';
      if (!claimed && isClaimOf(r, DECKHAND.member)) {
        claimed = true;
        return 'forward';
      }
      // The next thing this invocation does for the deckhand after claiming (mark it sending, or ask SES) never
      // gets an answer: the environment is stopped at its timeout while it waits.
      if (claimed && concerns(r, DECKHAND)) {
        held = r;
        return 'hold';
      }
      return 'forward';
    };
    await publishSuccess(id);

    // Lambda's retry (or the other event's delivery) took the claim over and sent it.
    await expectEachMemberEmailedOnce(id);
    expect(deadLetters()).toBe(0);
    expect(failedSince(before)).toBeGreaterThanOrEqual(1);
    // It died before SES had the message: the mark, not SendEmail, was what it waited for.
    expect(held?.target).toBe('dynamodb');
    expect(held?.body).toContain('"sending"');
  }, 60_000);

  it('emails the member once when the invocation is killed while it waits to try again after a 429', async () => {
    const id = 'killed-in-backoff';
    let throttled = false;
    let held: ProxiedRequest | undefined;
    const before = invocations().length;
    decide = (r) => {
      if (held || !r.body.includes(id) || !concerns(r, DECKHAND)) return 'forward';
      if (!throttled && r.target === 'ses') {
        throttled = true;
        return 'throttle';
      }
      // After the 429 the invocation takes its sending mark back (a REMOVE of sending_at), waits, and tries again:
      // whatever it does next for the deckhand (mark the next attempt, or ask SES) never gets an answer, so it is
      // killed at its timeout before its second request reached SES.
      if (throttled && !r.body.includes('REMOVE')) {
        held = r;
        return 'hold';
      }
      return 'forward';
    };
    await publishSuccess(id);

    // SES never had the message: the retry sent it, once, and nobody is told it "may have gone".
    await expectEachMemberEmailedOnce(id);
    expect(deadLetters()).toBe(0);
    expect(failedSince(before)).toBeGreaterThanOrEqual(1);
    expect(held?.target).toBe('dynamodb');
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: 'charter-notifications-local', Key: { booking_id: id } }),
    );
    const deckhand = (Item?.members as Record<string, Record<string, unknown>>)[DECKHAND.member];
    expect(deckhand).toMatchObject({ status: 'idle', told: { kind: 'call' } });
    expect(deckhand?.reported).toBeUndefined();
  }, 60_000);

  it("accepts its own claim when DynamoDB applied it and lost the answer (the SDK's retry meets it)", async () => {
    const id = 'claim-answer-lost';
    let lost = 0;
    decide = (r) => {
      if (lost === 0 && r.body.includes(id) && isClaimOf(r, DECKHAND.member)) {
        lost++;
        return 'lose-answer';
      }
      return 'forward';
    };
    const before = invocations().length;
    await publishSuccess(id);

    expect(lost).toBe(1);
    await expectEachMemberEmailedOnce(id);
    expect(deadLetters()).toBe(0);
    // The SDK sent the claim again (same request, same condition) and went on: no failure, no retry by Lambda.
    const claims = proxy.log.filter((r) => r.body.includes(id) && isClaimOf(r, DECKHAND.member));
    expect(claims.map((r) => r.action)).toEqual(['lose-answer', 'forward']);
    expect(claims[1]!.body).toBe(claims[0]!.body);
    expect(failedSince(before)).toBe(0);
  }, 60_000);
});
