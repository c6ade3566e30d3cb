/**
 * `npm run bench [-- --bookings 200]`: N bookings through the whole local cloud, then a floor
 * measured in the same run on the same stores, and the ratio of the two. It asserts nothing
 * about time: these machines are shared and noisy, so only the ratio means much.
 *
 * - end to end: PutEvents of N bookings at once (batches of 10), until every consumer is idle;
 *   latency per booking from its PutEvents to its CrewNotified (published right after the last
 *   crew email is recorded).
 * - floor: the store operations the run needed (counted by each stand-in, by operation),
 *   replayed directly with the SDK against the same dynalite, s3rver, SES and EventBridge, with
 *   the same parallelism: what the run would cost with no handler, no bus routing, no Lambda.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { publishBookings, startLocalCloud } from '@charter/local/testing';
import { booking, eventsOf } from '../support/e2e';
import { runColdBench } from './cold';

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  ) as Record<string, number>;

async function main(): Promise<void> {
  const n = argValue('--bookings', 200);
  const cloud = await startLocalCloud({ services: 'all', run: true });
  try {
    // Warm every function (cold starts are not what this measures) on bookings of another year.
    await publishBookings(
      Array.from({ length: 10 }, (_, i) => booking(i, { booking_id: `warm-${i}`, charter_date: '2030-06-01' })),
      { parallel: true },
    );
    await cloud.idle();

    const bookings = Array.from({ length: n }, (_, i) => booking(i));
    const before = cloud.requestCounts();
    const started = Date.now();
    const sentAt = await publishBookings(bookings, { parallel: true });
    await cloud.idle();
    const elapsedMs = Date.now() - started;
    const operations = diff(cloud.requestCounts(), before);

    const notified = new Map(
      eventsOf(cloud, 'CrewNotified').map((e) => [e.detail.booking_id, cloud.eventBridge.arrivedAt.get(e.id)!]),
    );
    const latencies = bookings.map((b) => (notified.get(b.booking_id) ?? NaN) - sentAt.get(b.booking_id)!);
    const missing = latencies.filter(Number.isNaN).length;

    // The burst above saturates the stores, so every booking finishes near the end; one booking at
    // a time shows the path's own latency.
    const single: number[] = [];
    for (let i = 0; i < 20; i++) {
      const one = booking(i, { booking_id: `single-${i}`, charter_date: '2032-01-15' });
      const at = (await publishBookings([one])).get(one.booking_id)!;
      await cloud.idle();
      const [done] = eventsOf(cloud, 'CrewNotified', one.booking_id);
      if (done) single.push(cloud.eventBridge.arrivedAt.get(done.id)! - at);
    }

    const floorMs = await replayFloor(cloud.endpoints.ses, operations, n);
    const storeOps = Object.entries(operations).filter(
      ([k]) => !k.startsWith('api:') && !k.startsWith('lambda:') && !k.startsWith('sqs:'),
    );
    const replayed = storeOps.reduce((sum, [, v]) => sum + v, 0);

    console.log(
      `\nbenchmark: ${n} bookings through the local cloud (${new Date().toISOString()}, node ${process.version})`,
    );
    const perSecond = (ms: number) => (n / (ms / 1000)).toFixed(1);
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    const p50p95 = (values: number[]) => `p50 ${percentile(values, 50)} ms, p95 ${percentile(values, 95)} ms`;
    const notifiedLatencies = latencies.filter((l) => !Number.isNaN(l));
    console.log(`  end to end        ${perSecond(elapsedMs)} bookings/s  (${seconds(elapsedMs)} s for all ${n})`);
    console.log(
      `  burst             PutEvents -> last crew email  ${p50p95(notifiedLatencies)}` +
        (missing ? `  (${missing} bookings never notified!)` : ''),
    );
    console.log(
      `  one at a time     PutEvents -> last crew email  ${p50p95(single)}  (${single.length} bookings, unloaded)`,
    );
    console.log(
      `  floor             ${perSecond(floorMs)} bookings/s  ` +
        `(${seconds(floorMs)} s: the same ${replayed} store operations done directly)`,
    );
    console.log(`  ratio             end to end takes ${(elapsedMs / floorMs).toFixed(2)}x the floor`);
    console.log(`  store operations per booking:`);
    for (const [op, count] of storeOps.sort(([a], [b]) => a.localeCompare(b)))
      console.log(`    ${op.padEnd(44)} ${(count / n).toFixed(2)}`);
  } finally {
    await cloud.stop();
  }
}

/**
 * Replays the counted store operations directly: each operation kind, as many times as the run
 * made it, spread over n lanes that run at once (as n bookings did).
 */
async function replayFloor(sesEndpoint: string, operations: Record<string, number>, lanes: number): Promise<number> {
  const raw = new DynamoDBClient({});
  const ddb = DynamoDBDocumentClient.from(raw);
  const s3 = new S3Client({ forcePathStyle: true });
  const ses = new SESv2Client({ endpoint: sesEndpoint });
  const eb = new EventBridgeClient({});
  const sm = new SecretsManagerClient({});
  const table = `bench-floor-${randomUUID().slice(0, 8)}`;
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  const bucket = 'charter-guest-site-local';
  const item = (i: number) => ({ pk: `item-${i % 50}`, payload: 'x'.repeat(800), n: i });
  const page = 'x'.repeat(14_000);

  const actions: Record<string, (i: number) => Promise<unknown>> = {
    'dynamodb:PutItem': (i) => ddb.send(new PutCommand({ TableName: table, Item: item(i) })),
    'dynamodb:UpdateItem': (i) =>
      ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `item-${i % 50}` },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': i },
        }),
      ),
    'dynamodb:GetItem': (i) =>
      ddb.send(new GetCommand({ TableName: table, Key: { pk: `item-${i % 50}` }, ConsistentRead: true })),
    'dynamodb:Query': (i) =>
      ddb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `item-${i % 50}` },
        }),
      ),
    'dynamodb:Scan': () => ddb.send(new ScanCommand({ TableName: table, Limit: 100 })),
    'dynamodb:DeleteItem': (i) => ddb.send(new DeleteCommand({ TableName: table, Key: { pk: `item-${i % 50}` } })),
    's3:PUT object': (i) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: `floor/${i}.html`, Body: page, ContentType: 'text/html' })),
    's3:GET object': (i) =>
      s3
        .send(new GetObjectCommand({ Bucket: bucket, Key: `floor/${i % 10}.html` }))
        .then((r) => r.Body?.transformToString()),
    'ses:POST /v2/email/outbound-emails': (i) =>
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'floor@crew.example.com',
          Destination: { ToAddresses: ['floor@crew.example.com'] },
          Content: {
            Simple: {
              Subject: { Data: `floor ${i}` },
              Body: { Text: { Data: 'x'.repeat(1500) }, Html: { Data: 'x'.repeat(4000) } },
            },
          },
        }),
      ),
    'eventbridge:PutEvents': (i) =>
      eb.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'default',
              Source: 'bench.floor',
              DetailType: 'Floor',
              Detail: JSON.stringify({ i, pad: 'x'.repeat(600) }),
            },
          ],
        }),
      ),
    'secretsmanager:GetSecretValue': () =>
      sm.send(new GetSecretValueCommand({ SecretId: 'charter/local/scc-service-key' })),
  };
  // Make sure every object a GET replays exists before the clock starts.
  await Promise.all(Array.from({ length: 10 }, (_, i) => actions['s3:PUT object']!(i)));
  const work: Array<() => Promise<unknown>> = [];
  for (const [op, count] of Object.entries(operations)) {
    const action = actions[op];
    if (!action) continue;
    for (let i = 0; i < count; i++) work.push(() => action(i));
  }
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, work.length) }, async () => {
      while (next < work.length) await work[next++]!();
    }),
  );
  const elapsed = Date.now() - started;
  for (const client of [raw, s3, ses, eb, sm]) client.destroy();
  return elapsed;
}

(process.argv.includes('--cold') ? runColdBench() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
