import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { bookingInput } from '../src/fixtures';
import { busEnvelope, startLocalCloud, type LocalCloud } from '../src/testing';
import { CREDENTIALS, ROOT } from '../src/cloud/account';
import { readDeadLetters } from '../src/dlq';

/**
 * `npm run dlq -- --stage <stage>` as an operator runs it against a deployed stage: the SDK's default credentials and
 * region, queues found by name. AWS is out of reach here, so the SDK's own endpoint variables point the same calls at
 * a local cloud; the CLI is run as a separate process, which never reads the local cloud's endpoints.json.
 */
const run = promisify(execFile);
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: true });
});
afterAll(() => cloud?.stop());

async function dlq(...args: string[]): Promise<string> {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const { stdout } = await run(process.execPath, [tsx, join(ROOT, 'local/src/dlq-cli.ts'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SQS: cloud.endpoints.sqs,
      AWS_ENDPOINT_URL_LAMBDA: cloud.endpoints.lambda,
    },
  });
  return stdout;
}

it('lists the stage’s dead letters without consuming them, then redrives them to their functions', async () => {
  const booking = bookingInput({ booking_id: 'dlq-stage-1', charter_date: '2027-09-09' });
  const event = busEnvelope('BookingCreated', booking, 'partner.boatsetter');
  const calendarFunction = cloud.functionName('calendar', 'onBookingEvent');
  const record = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: 'r-1',
      functionArn: `arn:aws:lambda:us-west-2:000000000000:function:${calendarFunction}`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
  };
  const sqs = new SQSClient({});
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: cloud.sqs.url('charter-calendar-dlq-local'),
      MessageBody: JSON.stringify(record),
    }),
  );
  // Another stage's queue in the same account is not this stage's business.
  const other = cloud.sqs.ensure('charter-calendar-dlq-prod');
  await sqs.send(new SendMessageCommand({ QueueUrl: other, MessageBody: JSON.stringify(record) }));
  sqs.destroy();

  const listed = await dlq('--stage', 'local', '--region', 'us-west-2');
  expect(listed).toContain('charter-calendar-local-onBookingEvent  booking dlq-stage-1  RetriesExhausted');
  expect(listed).toContain('1 dead letter(s) in stage local in us-west-2. Fix the cause, then: npm run dlq -- --stage');
  expect(cloud.sqs.count(cloud.sqs.url('charter-calendar-dlq-local'))).toBe(1);

  expect(await dlq('--stage', 'local', '--region', 'us-west-2', 'redrive')).toContain('Redrove 1 dead letter(s)');
  await cloud.idle();
  expect(cloud.sqs.count(cloud.sqs.url('charter-calendar-dlq-local'))).toBe(0);
  expect(cloud.sqs.count(other)).toBe(1);
  const updated = cloud.published().filter((e) => e['detail-type'] === 'CalendarUpdated');
  expect(updated.map((e) => (e.detail as { booking_id: string }).booking_id)).toEqual(['dlq-stage-1']);
});

it('finds every letter where short polls miss some, as in AWS, and redrives them all', async () => {
  const sqs = new SQSClient({});
  const queueUrl = cloud.sqs.url('charter-calendar-dlq-local');
  const calendarFunction = cloud.functionName('calendar', 'onBookingEvent');
  for (let i = 0; i < 12; i++) {
    const booking = bookingInput({ booking_id: `dlq-sampled-${i}`, charter_date: '2027-09-10' });
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: `r-${i}`,
        functionArn: `arn:aws:lambda:us-west-2:000000000000:function:${calendarFunction}`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: busEnvelope('BookingCreated', booking, 'partner.boatsetter'),
      responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  }
  cloud.sqs.sampleShortPolls(3);
  try {
    // Each listing is a new draw of which servers a short poll asks: every one must find all twelve.
    const found = [];
    for (let i = 0; i < 10; i++) found.push((await readDeadLetters(sqs, { peek: true, queueUrls: [queueUrl] })).length);
    expect(found).toEqual(Array.from({ length: 10 }, () => 12));
    expect(await dlq('--stage', 'local', '--region', 'us-west-2', 'redrive')).toContain('Redrove 12 dead letter(s)');
  } finally {
    cloud.sqs.sampleShortPolls(false);
    sqs.destroy();
  }
  await cloud.idle();
  expect(cloud.sqs.count(queueUrl)).toBe(0);
});

it('says which region it needs, and that a stage has no queues', async () => {
  await expect(dlq('--stage', 'local')).rejects.toMatchObject({
    stderr: expect.stringContaining('--region') as unknown,
  });
  await expect(dlq('--stage', 'nosuchstage', '--region', 'us-west-2')).rejects.toMatchObject({
    stderr: expect.stringContaining('No queue named charter-<service>-dlq-nosuchstage') as unknown,
  });
});
