import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CREDENTIALS, REGION } from '@charter/local/cloud';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

/**
 * The stand-ins answer a second client: the AWS CLI (botocore), pointed at them with --endpoint-url,
 * for what an operator reaches for locally. CI installs `awscli`; without it this is skipped, except in CI (CI=1).
 */
const cli = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const hasCli = cli.status === 0;
const title = 'the AWS CLI against the local cloud';
if (!hasCli && process.env.CI) {
  // CI installs awscli (.ci/run): a CI without it must say so, not pass by skipping.
  throw new Error(`"${title}" needs \`aws\` on PATH in CI (apt-get install -y awscli).`);
}
if (!hasCli) console.warn(`Skipping "${title}": no \`aws\` on PATH (install awscli: pip install awscli, or apt).`);
const run = promisify(execFile);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['guest-pages', 'calendar'], run: true });
});
afterAll(() => cloud.stop());

(hasCli ? describe : describe.skip)(hasCli ? `${title} (${cli.stdout.trim().split(' ')[0]})` : title, () => {
  let home: string;
  const bus = 'charter-bookings-local';

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-aws-cli-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** One CLI command against a local endpoint, with dummy credentials and nothing from the user's own config. */
  async function aws(endpoint: keyof LocalCloud['endpoints'], ...args: string[]): Promise<string> {
    const { stdout } = await run('aws', [...args, '--endpoint-url', cloud.endpoints[endpoint], '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: REGION,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_PAGER: '',
      },
      timeout: 30_000,
    });
    return stdout;
  }
  const json = async <T>(endpoint: keyof LocalCloud['endpoints'], ...args: string[]): Promise<T> =>
    JSON.parse(await aws(endpoint, ...args)) as T;

  it('events: put-events reaches the bus; list-rules and describe-event-bus show what the stacks define', async () => {
    const entries = [{ EventBusName: bus, Source: 'operator.cli', DetailType: 'Probe', Detail: '{"by":"hand"}' }];
    const put = await json<{ FailedEntryCount: number; Entries: { EventId: string }[] }>(
      'eventbridge',
      ...['events', 'put-events', '--entries', JSON.stringify(entries)],
    );
    expect(put.FailedEntryCount).toBe(0);
    expect(cloud.published().find((e) => e.id === put.Entries[0]!.EventId)?.detail).toEqual({ by: 'hand' });

    const { Rules } = await json<{ Rules: { Name: string; Arn: string; EventPattern: string }[] }>(
      'eventbridge',
      ...['events', 'list-rules', '--event-bus-name', bus],
    );
    const defined = cloud.services.flatMap((s) => s.rules).filter((r) => r.busName === bus && !r.schedule);
    expect(Rules.map((r) => r.Name).sort()).toEqual(defined.map((r) => r.name).sort());
    expect(Rules[0]!.Arn).toBe(`arn:aws:events:us-west-2:000000000000:rule/${bus}/${Rules[0]!.Name}`);
    expect(await json('eventbridge', 'events', 'describe-event-bus', '--name', bus)).toEqual({
      Name: bus,
      Arn: `arn:aws:events:us-west-2:000000000000:event-bus/${bus}`,
    });
  });

  it('secretsmanager: get-secret-value by stage (AWSPREVIOUS after put-secret-value), list-secrets', async () => {
    const name = 'charter/local/dashboard-token';
    const first = cloud.secrets[name]!;
    const put = await json<{ VersionStages: string[] }>(
      'secretsmanager',
      ...['secretsmanager', 'put-secret-value', '--secret-id', name, '--secret-string', 'rotated-by-hand'],
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const stage = async (s: string) =>
      (
        await json<{ SecretString: string; VersionStages: string[] }>(
          'secretsmanager',
          ...['secretsmanager', 'get-secret-value', '--secret-id', name, '--version-stage', s],
        )
      ).SecretString;
    expect([await stage('AWSCURRENT'), await stage('AWSPREVIOUS')]).toEqual(['rotated-by-hand', first]);

    const { SecretList } = await json<{ SecretList: { Name: string; SecretVersionsToStages: object }[] }>(
      'secretsmanager',
      ...['secretsmanager', 'list-secrets'],
    );
    expect(SecretList.map((s) => s.Name).sort()).toEqual(Object.keys(cloud.secrets).sort());
    const listed = SecretList.find((s) => s.Name === name)!;
    expect(Object.values(listed.SecretVersionsToStages).flat().sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    // Put the value back for the handlers that read it.
    await new SecretsManagerClient({}).send(new PutSecretValueCommand({ SecretId: name, SecretString: first }));
  });

  it('dynamodb: put-item, then get-item and scan find it', async () => {
    const table = cloud.services.flatMap((s) => s.tables).find((t) => t.name.startsWith('JadaCalendar'))!;
    const keys = table.properties.KeySchema!.map((k) => k.AttributeName!);
    const key: Record<string, { S: string }> = Object.fromEntries(keys.map((k) => [k, { S: `cli-${k}` }]));
    const item = { ...key, note: { S: 'by hand' } };
    await aws('dynamodb', 'dynamodb', 'put-item', '--table-name', table.name, '--item', JSON.stringify(item));
    const got = await json<{ Item: unknown }>(
      'dynamodb',
      ...['dynamodb', 'get-item', '--table-name', table.name, '--key', JSON.stringify(key)],
    );
    expect(got.Item).toEqual(item);
    const scan = await json<{ Count: number; Items: unknown[] }>(
      'dynamodb',
      'dynamodb',
      'scan',
      '--table-name',
      table.name,
    );
    expect(scan.Items).toContainEqual(item);
  });

  it('s3: ls lists the buckets; cp puts an object and reads it back', async () => {
    const buckets = (await aws('s3', 's3', 'ls'))
      .trim()
      .split('\n')
      .map((line) => line.split(' ').pop());
    const defined = cloud.services.flatMap((s) => s.buckets).map((b) => b.name);
    expect(buckets.sort()).toEqual(defined.sort());
    const bucket = defined.find((b) => b.includes('calendar'))!;
    const file = join(home, 'hello.json');
    writeFileSync(file, '{"hello":"by hand"}');
    await aws('s3', 's3', 'cp', file, `s3://${bucket}/cli/hello.json`);
    expect(await aws('s3', 's3', 'ls', `s3://${bucket}/cli/`)).toMatch(/\s19 hello\.json\n$/);
    expect(await aws('s3', 's3', 'cp', `s3://${bucket}/cli/hello.json`, '-')).toBe('{"hello":"by hand"}');
  });

  it('sqs: list-queues names every dead-letter queue; receive-message reads a letter (its MD5 checked)', async () => {
    const { QueueUrls } = await json<{ QueueUrls: string[] }>('sqs', 'sqs', 'list-queues');
    const defined = cloud.services.flatMap((s) => s.queues).map((q) => `${cloud.endpoints.sqs}/000000000000/${q.name}`);
    expect(QueueUrls.sort()).toEqual(defined.sort());
    const queue = defined.find((q) => q.includes('calendar'))!;
    cloud.sqs.send(queue, '{"requestPayload":{"detail":{"booking_id":"cli-1"}}}');
    const { Messages } = await json<{ Messages: { Body: string; MD5OfBody: string }[] }>(
      'sqs',
      ...[
        'sqs',
        'receive-message',
        '--queue-url',
        queue,
        '--max-number-of-messages',
        '10',
        '--visibility-timeout',
        '0',
      ],
    );
    expect(Messages.map((m) => JSON.parse(m.Body) as unknown)).toEqual([
      { requestPayload: { detail: { booking_id: 'cli-1' } } },
    ]);
  });

  it('cloudfront: list-distributions gives the id that create-invalidation and list-invalidations need', async () => {
    const list = await json<{ DistributionList: { Items: { Id: string; DomainName: string; Comment: string }[] } }>(
      'cloudfront',
      ...['cloudfront', 'list-distributions'],
    );
    const calendar = list.DistributionList.Items.find(
      (d) => d.DomainName === new URL(cloud.endpoints.calendarSite).host,
    )!;
    expect(cloud.distributions.get(calendar.Id)?.wiring.endpointKey).toBe('calendarSite');
    const created = await json<{ Invalidation: { Id: string; Status: string } }>(
      'cloudfront',
      ...['cloudfront', 'create-invalidation', '--distribution-id', calendar.Id, '--paths', '/calendar/2027.json'],
    );
    expect(created.Invalidation.Status).toBe('Completed');
    expect(cloud.distributions.get(calendar.Id)!.invalidations.map((i) => i.paths)).toContainEqual([
      '/calendar/2027.json',
    ]);
    const listed = await json<{ InvalidationList: { Items: { Id: string }[] } }>(
      'cloudfront',
      ...['cloudfront', 'list-invalidations', '--distribution-id', calendar.Id],
    );
    expect(listed.InvalidationList.Items.map((i) => i.Id)).toContain(created.Invalidation.Id);
  });
});

describe('the local SQS in the query protocol older clients speak (the AWS CLI v2 of Debian, older boto3)', () => {
  /** A form-encoded query request, unsigned (the stand-in reads no signature), and its XML answer. */
  const query = async (params: Record<string, string>, path = '/') => {
    const res = await fetch(`${cloud.endpoints.sqs}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
    });
    return [res.status, await res.text()] as const;
  };
  const values = (xml: string, element: string) =>
    [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

  it('lists the queues, receives a letter with its attributes, and deletes it', async () => {
    const [status, listed] = await query({ Action: 'ListQueues' });
    expect(status).toBe(200);
    expect(listed).toMatch(
      /^<\?xml version="1.0"\?><ListQueuesResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/">/,
    );
    const queue = values(listed, 'QueueUrl').find((q) => q?.endsWith('charter-guest-pages-dlq-local'))!;
    cloud.sqs.send(queue, 'a <dead> letter & more');
    const [, received] = await query({ Action: 'ReceiveMessage', QueueUrl: queue, 'AttributeName.1': 'All' });
    expect(values(received, 'Body')).toEqual(['a &lt;dead&gt; letter &amp; more']);
    expect(values(received, 'Name')).toEqual(['SentTimestamp', 'ApproximateReceiveCount']);
    const [receipt] = values(received, 'ReceiptHandle');
    // Posted to the queue's own URL, as older clients do, instead of naming it.
    const [deleted] = await query({ Action: 'DeleteMessage', ReceiptHandle: receipt! }, new URL(queue).pathname);
    expect(deleted).toBe(200);
    expect(cloud.sqs.count(queue)).toBe(0);
    const [, empty] = await query({ Action: 'ReceiveMessage', QueueUrl: queue });
    expect(empty).toContain('<ReceiveMessageResult></ReceiveMessageResult>');
  });

  it('answers an unknown queue with the query error document', async () => {
    const [status, xml] = await query({
      Action: 'ReceiveMessage',
      QueueUrl: `${cloud.endpoints.sqs}/000000000000/nope`,
    });
    expect(status).toBe(400);
    expect(values(xml, 'Code')).toEqual(['AWS.SimpleQueueService.NonExistentQueue']);
    expect(values(xml, 'Type')).toEqual(['Sender']);
  });
});
