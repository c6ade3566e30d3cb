import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionWiring } from '@charter/local/definitions';
import { readDeadLetters } from '@charter/local/dlq';
import { mailbox, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { INTERNAL_USER_AGENT } from '../src/faults/gate';
import { FaultInjector } from '../src/faults/injector';
import type { FaultOptions } from '../src/faults/options';

const TABLE = 'charter-faults-test';
const BUCKET = 'charter-faults-test';
const BUS = 'charter-bookings-local';

/** An AWS SDK error as the tests read it: its name and how many attempts the SDK made. */
interface SdkError {
  name: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
}

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** The truth behind the gate: a client the faults never touch, as the local cloud's own are. */
const internalDynamo = () => new DynamoDBClient({ customUserAgent: INTERNAL_USER_AGENT });

const createTable = (dynamo: DynamoDBClient) =>
  dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

const probeEntries = (n: number, from = 0): PutEventsRequestEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    EventBusName: BUS,
    Source: 'test.faults',
    DetailType: 'Probe',
    Detail: JSON.stringify({ n: from + i }),
  }));

const email = (subject: string) =>
  new SendEmailCommand({
    FromEmailAddress: 'crew@charter.test',
    Destination: { ToAddresses: ['deckhand@charter.test'] },
    Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: subject } } } },
  });

describe('faults at p=1: every stand-in answers its transient fault on the wire', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({
      services: ['guest-pages'],
      faults: { dynamodb: 1, s3: 1, ses: 1, eventbridge: 1, secretsmanager: 1, sqs: 1, seed: 1 },
    });
  });
  afterAll(() => cloud.stop());

  it("leaves the control plane and the local cloud's own calls alone", async () => {
    // Provisioning created tables and buckets; CreateTable, DescribeTable and ListQueues are no data plane.
    const dynamo = new DynamoDBClient({});
    await createTable(dynamo);
    expect((await dynamo.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus).toBe('ACTIVE');
    expect((await new SQSClient({}).send(new ListQueuesCommand({}))).QueueUrls?.length).toBeGreaterThan(0);
    // CloudFront reads its origin with the local cloud's own client: a page is served while S3 fails every request.
    const site = [...cloud.distributions.values()].find((d) => d.wiring.endpointKey === 'guestSite')!;
    const s3 = new S3Client({ forcePathStyle: true, customUserAgent: INTERNAL_USER_AGENT });
    await s3.send(
      new PutObjectCommand({ Bucket: site.wiring.originBucket, Key: 'g/AAAAAAAAAAAAAAAAAAAAAAAA.html', Body: 'ok' }),
    );
    const page = await fetch(`${cloud.endpoints.guestSite}/g/AAAAAAAAAAAAAAAAAAAAAAAA`);
    expect([page.status, await page.text()]).toEqual([200, 'ok']);
    expect(cloud.faults.injected()).toEqual({});
  });

  it('DynamoDB: a throttle or a 500 with the __type DynamoDB sends, retried by the SDK, then surfaced', async () => {
    const error = await failure(
      new DynamoDBClient({}).send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' } } })),
    );
    expect(['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError']).toContain(
      error.name,
    );
    expect(error.$metadata.attempts).toBeGreaterThan(1);
    const injected = Object.entries(cloud.faults.injected()).filter(([kind]) => kind.startsWith('dynamodb:'));
    expect(injected.reduce((sum, [, n]) => sum + n, 0)).toBe(error.$metadata.attempts);
  });

  it('DynamoDB: half the 500s on a write come after it: the item is there though the caller saw an error', async () => {
    const dynamo = new DynamoDBClient({ maxAttempts: 1 });
    const truth = internalDynamo();
    const seen = { applied: [] as string[], refused: [] as string[] };
    const conditionalPut = (pk: string) =>
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: pk } },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    for (let i = 0; i < 40 && (seen.applied.length === 0 || seen.refused.length === 0); i++) {
      const before = cloud.faults.injected()['dynamodb:InternalServerError:after-write'] ?? 0;
      await failure(dynamo.send(conditionalPut(`w-${i}`)));
      const applied = (cloud.faults.injected()['dynamodb:InternalServerError:after-write'] ?? 0) > before;
      const stored = await truth.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `w-${i}` } } }));
      expect(Boolean(stored.Item)).toBe(applied);
      seen[applied ? 'applied' : 'refused'].push(`w-${i}`);
    }
    expect(seen.applied.length).toBeGreaterThan(0);
    expect(seen.refused.length).toBeGreaterThan(0);
    // The same conditional write again, as the SDK's retry sends it, meets its own first attempt.
    const retried = await failure(truth.send(conditionalPut(seen.applied[0]!)));
    expect(retried.name).toBe('ConditionalCheckFailedException');
  });

  it('S3: SlowDown (503) or InternalError (500) as an XML error document; CreateBucket passes', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' })));
    expect(['SlowDown', 'InternalError']).toContain(error.name);
    expect(error.$metadata.attempts).toBe(3);
    const { 's3:SlowDown': slow = 0, 's3:InternalError': internal = 0 } = cloud.faults.injected();
    const afterWrite = cloud.faults.injected()['s3:InternalError:after-write'] ?? 0;
    expect(slow + internal + afterWrite).toBe(3);
  });

  it('SES: TooManyRequestsException (429) or InternalFailure (500), and the message is not sent', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      const error = await failure(new SESv2Client({ maxAttempts: 1 }).send(email('never sent')));
      seen.add(`${error.name} ${error.$metadata.httpStatusCode}`);
    }
    expect([...seen].sort()).toEqual(['InternalFailure 500', 'TooManyRequestsException 429']);
    const { 'ses:TooManyRequestsException': throttled = 0, 'ses:InternalFailure': failed = 0 } =
      cloud.faults.injected();
    expect(throttled).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(await mailbox(cloud.endpoints.ses)).toEqual([]);
  });

  it('EventBridge: a ThrottlingException, or 200 with InternalFailure entries left undelivered', async () => {
    const events = new EventBridgeClient({});
    let throttles = 0;
    let failedEntries = 0;
    for (let request = 0; request < 4; request++) {
      const entries = probeEntries(5, request * 5);
      try {
        const result = await events.send(new PutEventsCommand({ Entries: entries }));
        throttles += result.$metadata.attempts! - 1;
        const failed = result.Entries!.filter((e) => e.ErrorCode);
        expect(failed.length).toBeGreaterThan(0);
        expect(result.FailedEntryCount).toBe(failed.length);
        expect(new Set(failed.map((e) => e.ErrorCode))).toEqual(new Set(['InternalFailure']));
        failedEntries += failed.length;
        const delivered = new Set(cloud.published().map((e) => e.id));
        // The failed ones never reached the bus; the others did.
        result.Entries!.forEach((e) => expect(e.EventId === undefined || delivered.has(e.EventId)).toBe(true));
      } catch (error) {
        expect((error as SdkError).name).toBe('ThrottlingException');
        throttles += (error as SdkError).$metadata.attempts!;
      }
    }
    const injected = cloud.faults.injected();
    expect([injected['eventbridge:ThrottlingException'] ?? 0, injected['eventbridge:InternalFailure'] ?? 0]).toEqual([
      throttles,
      failedEntries,
    ]);
    expect(cloud.published()).toHaveLength(20 - failedEntries);
  });

  it('Secrets Manager and SQS, when asked: ThrottlingException or InternalServiceError; RequestThrottled', async () => {
    const secret = await failure(
      new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'charter/local/guest-upload-key' })),
    );
    expect(['ThrottlingException', 'InternalServiceError']).toContain(secret.name);
    const queue = `${cloud.endpoints.sqs}/000000000000/charter-guest-pages-dlq-local`;
    const sqs = await failure(new SQSClient({}).send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' })));
    expect([sqs.name, sqs.$metadata.httpStatusCode]).toEqual(['RequestThrottled', 403]);
    expect(cloud.sqs.count(queue)).toBe(0);
  });
});

describe('faults at p=0.3 with a seed: everything gets through the SDK retries, and the counters add up', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({
      services: [],
      faults: { dynamodb: 0.3, s3: 0.3, ses: 0.3, eventbridge: 0.3, seed: 42 },
    });
  });
  afterAll(() => cloud.stop());

  // A client that expects throttling retries more than the default three times, as services under load are set up.
  const patient = { maxAttempts: 10 } satisfies DynamoDBClientConfig;
  const sum = (kinds: Record<string, number>, source: string) =>
    Object.entries(kinds)
      .filter(([kind]) => kind.startsWith(`${source}:`))
      .reduce((total, [, n]) => total + n, 0);

  it('DynamoDB: 25 writes and 25 reads all succeed, each retry one injected fault', async () => {
    const dynamo = new DynamoDBClient(patient);
    await createTable(dynamo);
    let retries = 0;
    for (let i = 0; i < 25; i++) {
      const put = await dynamo.send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `b-${i}` }, n: { N: String(i) } } }),
      );
      const got = await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `b-${i}` } } }));
      expect(got.Item?.n?.N).toBe(String(i));
      retries += put.$metadata.attempts! - 1 + got.$metadata.attempts! - 1;
    }
    expect(retries).toBeGreaterThan(5);
    expect(sum(cloud.faults.injected(), 'dynamodb')).toBe(retries);
  });

  it('S3: 20 objects written and read back whole', async () => {
    const s3 = new S3Client({ ...patient, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    let retries = 0;
    for (let i = 0; i < 20; i++) {
      const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `o/${i}`, Body: `object ${i}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `o/${i}` }));
      expect(await got.Body!.transformToString()).toBe(`object ${i}`);
      retries += put.$metadata.attempts! - 1 + got.$metadata.attempts! - 1;
    }
    expect(retries).toBeGreaterThan(3);
    expect(sum(cloud.faults.injected(), 's3')).toBe(retries);
  });

  it('SES: 12 messages sent, each exactly once (a 429 or a 500 never sends)', async () => {
    const ses = new SESv2Client(patient);
    let retries = 0;
    for (let i = 0; i < 12; i++) retries += (await ses.send(email(`message ${i}`))).$metadata.attempts! - 1;
    expect(retries).toBeGreaterThan(0);
    expect(sum(cloud.faults.injected(), 'ses')).toBe(retries);
    const subjects = (await mailbox(cloud.endpoints.ses)).map((m) => m.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i}`).sort());
  });

  it('EventBridge: 40 entries each on the bus exactly once, the failed ones resent', async () => {
    const events = new EventBridgeClient(patient);
    let throttles = 0;
    let failedEntries = 0;
    for (let batch = 0; batch < 4; batch++) {
      let pending = probeEntries(10, batch * 10);
      while (pending.length > 0) {
        const result = await events.send(new PutEventsCommand({ Entries: pending }));
        throttles += result.$metadata.attempts! - 1;
        pending = pending.filter((_, i) => result.Entries![i]!.ErrorCode);
        failedEntries += pending.length;
      }
    }
    expect(failedEntries).toBeGreaterThan(0);
    const injected = cloud.faults.injected();
    expect([injected['eventbridge:ThrottlingException'] ?? 0, injected['eventbridge:InternalFailure']]).toEqual([
      throttles,
      failedEntries,
    ]);
    const numbers = cloud.published().map((e) => (e.detail as { n: number }).n);
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('faults with the same seed: the same sequence', () => {
  /** The outcome of each of `n` single-attempt writes, and of `interleaved` S3 writes between them. */
  async function run(faults: FaultOptions, n: number, interleaved: boolean): Promise<string[]> {
    const cloud = await startLocalCloud({ services: [], faults });
    try {
      const dynamo = new DynamoDBClient({ maxAttempts: 1 });
      const s3 = new S3Client({ maxAttempts: 1, forcePathStyle: true });
      await createTable(dynamo);
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const outcomes: string[] = [];
      for (let i = 0; i < n; i++) {
        const put = dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `s-${i}` } } }));
        outcomes.push(await put.then(() => 'ok').catch((error: Error) => error.name));
        if (interleaved)
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `k${i}`, Body: 'x' })).catch(() => {});
      }
      return outcomes;
    } finally {
      await cloud.stop();
    }
  }

  it("repeats a run's faults exactly, whatever the other stand-ins' traffic; another seed differs", async () => {
    const first = await run({ dynamodb: 0.4, s3: 0.5, seed: 7 }, 30, false);
    const again = await run({ dynamodb: 0.4, s3: 0.5, seed: 7 }, 30, true);
    const other = await run({ dynamodb: 0.4, s3: 0.5, seed: 8 }, 30, false);
    expect(first.filter((o) => o !== 'ok').length).toBeGreaterThan(3);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe('lambda-timeout: an invocation stopped part of the way, then retried and dead-lettered', () => {
  const seed = 13;
  let cloud: LocalCloud;
  const steps = 'charter-test-local-steps';
  const expectedCuts = (() => {
    const injector = new FaultInjector({ lambdaTimeout: 1, seed });
    return Array.from({ length: 4 }, () => injector.draw('lambda')![0] * 1.25);
  })();

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [], run: true, faults: { lambdaTimeout: 1, seed } });
    const handlerFile = join(__dirname, 'fixtures', 'steps.js');
    const wiring: FunctionWiring = {
      service: 'charter-test',
      key: 'steps',
      name: steps,
      logicalId: 'StepsLambdaFunction',
      arn: `arn:aws:lambda:us-west-2:000000000000:function:${steps}`,
      handlerFile,
      handlerExport: 'handler',
      environment: {},
      timeoutSeconds: 6,
      memorySize: 256,
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 3600,
      onFailureArn: 'arn:aws:sqs:us-west-2:000000000000:charter-bus-dlq-local',
    };
    cloud.runtime!.register(wiring, handlerFile);
  });
  afterAll(() => cloud.stop());

  it('stops each attempt mid-run, leaves what it wrote, and dead-letters the event after the retries', async () => {
    // Seed 13 stops the first three attempts between 0.5 and 1.1 of the usual run (250 ms until one succeeds).
    expect(expectedCuts.slice(0, 3).every((cut) => cut > 0.5 && cut < 1.1)).toBe(true);
    const file = join(cloud.stateDir, 'steps.log');
    cloud.runtime!.invokeAsync(steps, { file, detail: { booking_id: 'timeout-1' } });
    await cloud.idle();
    const attempts = readFileSync(file, 'utf8').trim().split('start\n').filter(Boolean);
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      const written = attempt.trim().split('\n').length;
      // Part of the way: some steps written (each 40 ms), never the tenth nor "done".
      expect(written).toBeGreaterThanOrEqual(1);
      expect(written).toBeLessThan(10);
    }
    const history = cloud.runtime!.history.filter((h) => h.functionName === steps);
    expect(history.map((h) => h.ok)).toEqual([false, false, false]);
    const [letter] = await readDeadLetters(new SQSClient({}), { peek: true });
    expect(letter).toMatchObject({
      functionName: steps,
      bookingId: 'timeout-1',
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 6.00 seconds',
      condition: 'RetriesExhausted',
    });
    expect(cloud.faults.injected()).toEqual({ 'lambda:Sandbox.Timedout': 3 });
    // The environments were stopped: nothing more is written.
    const size = readFileSync(file, 'utf8').length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readFileSync(file, 'utf8').length).toBe(size);
  });

  it('fails an invocation that finished inside its cut too: its effects happened, its answer is lost', async () => {
    expect(expectedCuts[3]).toBeGreaterThan(0.4);
    const file = join(cloud.stateDir, 'quick.log');
    const result = await cloud.runtime!.invoke(steps, { file, steps: 0 });
    expect(result).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe('start\ndone\n');
    expect(cloud.faults.injected()['lambda:Sandbox.Timedout:after-return']).toBe(1);
  });
});
