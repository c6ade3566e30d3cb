import { LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readDeadLetters, redrive } from '@charter/local/dlq';
import { bookingInput } from '@charter/local/fixtures';
import { busEnvelope, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { DeadLetter } from '../src/domain/dead-letters';
import { opsApi } from './harness';

/**
 * The other shape a dead-letter queue holds: what EventBridge puts in a rule target's queue when it could not hand
 * the event to the function (throttled past the target's retry policy). The body is the event itself; why, and for
 * which function, are message attributes (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * The local EventBridge never writes one (it cannot be throttled), so the test puts it in scc's queue with the real
 * SQS client, as EventBridge would; then the ops console lists it, `npm run dlq` lists it, and its redrive makes scc
 * apply the booking. A message of neither shape beside it is a warning for itself alone.
 */
let cloud: LocalCloud;
const sqs = new SQSClient({});
const lambda = new LambdaClient({});
const ID = 'eb-undelivered-1';
const FUNCTION = 'charter-scc-local-onBookingEvent';

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  // calendar's stack holds the dashboard token the console route checks.
  cloud = await startLocalCloud({ services: ['scc', 'calendar', 'ops'], run: true });
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  sqs.destroy();
  lambda.destroy();
});

const attribute = (StringValue: string) => ({ DataType: 'String', StringValue });

describe("a dead letter from a rule target's queue (EventBridge's shape)", () => {
  it('is listed by ops and npm run dlq with its booking and reason, and its redrive applies the booking', async () => {
    const queueUrl = cloud.sqs.url('charter-scc-dlq-local');
    const event = busEnvelope(
      'BookingCreated',
      { ...bookingInput({ booking_id: ID }), revision: 1 },
      'partner.boatsetter',
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          RULE_ARN: attribute('arn:aws:events:us-west-2:000000000000:rule/charter-bookings-local/scc-bookings'),
          TARGET_ARN: attribute(`arn:aws:lambda:us-west-2:000000000000:function:${FUNCTION}`),
          ERROR_CODE: attribute('THROTTLING'),
          ERROR_MESSAGE: attribute('Rate Exceeded.'),
          EXHAUSTED_RETRY_CONDITION: attribute('MaximumRetryAttempts'),
          RETRY_ATTEMPTS: { DataType: 'Number', StringValue: '2' },
        },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not a dead letter of any shape' }));

    // The console: the booking, the function and EventBridge's reason; the odd message listed apart.
    const token = cloud.secrets['charter/local/dashboard-token']!;
    const listed = await opsApi<{ count: number; dead_letters: Array<DeadLetter & { what_to_do: string }> }>(
      cloud,
      '/ops/dead-letters',
      token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.count).toBe(2);
    const [ours] = listed.body.dead_letters.filter((l) => l.booking_id === ID);
    expect(ours).toMatchObject({
      service: 'scc',
      function_name: FUNCTION,
      error_type: 'THROTTLING',
      reason: 'Rate Exceeded.',
      condition: 'MaximumRetryAttempts',
      event: { id: event.id, detail_type: 'BookingCreated', source: 'partner.boatsetter', revision: 1 },
      what_to_do: expect.stringContaining('npm run dlq -- redrive') as unknown,
    });
    expect(listed.body.dead_letters.filter((l) => l.error_type === 'Unreadable')).toHaveLength(1);

    // npm run dlq: the same letter, with the function from TARGET_ARN and the event as what to replay.
    const letters = await readDeadLetters(sqs, { peek: true, queueUrls: [queueUrl] });
    expect(letters.map((l) => l.shape).sort()).toEqual(['eventbridge-target', 'unreadable']);
    const letter = letters.find((l) => l.bookingId === ID)!;
    expect(letter).toMatchObject({ functionName: FUNCTION, errorType: 'THROTTLING', payload: event });

    // The redrive: the event itself, invoked asynchronously; scc applies the booking. The odd one stays, warned of.
    const warnings: string[] = [];
    const toRedrive = await readDeadLetters(sqs, { peek: false, queueUrls: [queueUrl] });
    expect(await redrive(sqs, lambda, toRedrive, (line) => warnings.push(line))).toBe(1);
    await cloud.idle();
    expect(warnings).toEqual([expect.stringContaining('not redriven (left in charter-scc-dlq-local)') as unknown]);
    const serviceKey = cloud.secrets['charter/local/scc-service-key']!;
    const events = await fetch(`${cloud.endpoints.api}/events?booking_id=${ID}`, {
      headers: { 'x-service-key': serviceKey },
    });
    const body = (await events.json()) as { events: Array<{ booking_id: string; revision: number }> };
    expect(body.events).toMatchObject([{ booking_id: ID, revision: 1 }]);
    expect(cloud.sqs.count(queueUrl)).toBe(1);
  }, 60_000);
});
