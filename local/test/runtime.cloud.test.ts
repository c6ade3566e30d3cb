import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionWiring } from '@charter/local/definitions';
import { readDeadLetters, redrive } from '@charter/local/dlq';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

describe('the local Lambda runtime: asynchronous retries, dead letters and redrive', () => {
  let cloud: LocalCloud;
  let attemptsFile: string;
  let failFlag: string;
  const flaky = 'charter-test-local-flaky';

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [], run: true });
    attemptsFile = join(cloud.stateDir, 'attempts');
    failFlag = join(cloud.stateDir, 'fail');
    const wiring: FunctionWiring = {
      service: 'charter-test',
      key: 'flaky',
      name: flaky,
      logicalId: 'FlakyLambdaFunction',
      arn: `arn:aws:lambda:us-west-2:000000000000:function:${flaky}`,
      handlerFile: join(__dirname, 'fixtures', 'flaky.js'),
      handlerExport: 'handler',
      environment: { ATTEMPTS_FILE: attemptsFile, FAIL_FLAG_FILE: failFlag },
      timeoutSeconds: 5,
      memorySize: 256,
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 3600,
      onFailureArn: 'arn:aws:sqs:us-west-2:000000000000:charter-bus-dlq-local',
    };
    cloud.runtime!.register(wiring, wiring.handlerFile);
    cloud.eventBridge.addRule({
      name: 'flaky-rule',
      busName: 'charter-bookings-local',
      pattern: { source: [{ prefix: 'test.' }], detail: { kind: ['flaky'] } },
      target: (envelope) => cloud.runtime!.invokeAsync(flaky, envelope),
    });
  });
  afterAll(() => cloud.stop());

  const attempts = () => (existsSync(attemptsFile) ? Number(readFileSync(attemptsFile, 'utf8')) : 0);
  const put = (detail: object, source = 'test.runtime') =>
    new EventBridgeClient({}).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'charter-bookings-local',
            Source: source,
            DetailType: 'Probe',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );

  it('delivers a matching PutEvents entry to the rule target as the envelope Lambda receives', async () => {
    rmSync(attemptsFile, { force: true });
    const result = await put({ kind: 'flaky', booking_id: 'env-1' });
    await cloud.idle();
    const [call] = cloud.runtime!.history.filter((h) => h.functionName === flaky);
    expect(call!.event).toEqual({
      version: '0',
      id: result.Entries![0]!.EventId,
      'detail-type': 'Probe',
      source: 'test.runtime',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      region: 'us-west-2',
      resources: [],
      detail: { kind: 'flaky', booking_id: 'env-1' },
    });
    expect(attempts()).toBe(1);
  });

  it('does not invoke the target for entries its pattern does not match', async () => {
    const before = cloud.runtime!.history.length;
    await put({ kind: 'other' });
    await put({ kind: 'flaky' }, 'partner.boatsetter');
    await cloud.idle();
    expect(cloud.runtime!.history.length).toBe(before);
  });

  it('retries a throwing handler twice, then dead-letters it with the error; a redrive replays it', async () => {
    rmSync(attemptsFile, { force: true });
    writeFileSync(failFlag, 'fail');
    await put({ kind: 'flaky', booking_id: 'dlq-1' });
    await cloud.idle();
    expect(attempts()).toBe(3);

    const sqs = new SQSClient({});
    const [letter, ...rest] = await readDeadLetters(sqs, { peek: true });
    expect(rest).toHaveLength(0);
    expect(letter).toMatchObject({
      functionName: flaky,
      bookingId: 'dlq-1',
      condition: 'RetriesExhausted',
      errorType: 'Error',
      errorMessage: 'flaky: failing on purpose (attempt 3)',
    });

    rmSync(failFlag);
    const letters = await readDeadLetters(sqs, { peek: false });
    expect(await redrive(sqs, new LambdaClient({}), letters)).toBe(1);
    await cloud.idle();
    expect(attempts()).toBe(4);
    expect(cloud.runtime!.history.at(-1)).toMatchObject({
      functionName: flaky,
      ok: true,
      event: { detail: { booking_id: 'dlq-1' } },
    });
    expect(await readDeadLetters(sqs, { peek: true })).toHaveLength(0);
  });

  it('lists every dead letter, past the ten SQS hands out at once, without consuming them', async () => {
    writeFileSync(failFlag, 'fail');
    for (let i = 0; i < 12; i++) await put({ kind: 'flaky', booking_id: `many-${i}` });
    await cloud.idle();
    rmSync(failFlag);
    const sqs = new SQSClient({});
    const listed = await readDeadLetters(sqs, { peek: true });
    expect(listed.map((l) => l.bookingId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `many-${i}`).sort());
    expect(await readDeadLetters(sqs, { peek: true })).toHaveLength(12);
    expect(await redrive(sqs, new LambdaClient({}), await readDeadLetters(sqs, { peek: false }))).toBe(12);
    await cloud.idle();
    expect(await readDeadLetters(sqs, { peek: true })).toHaveLength(0);
  });

  it("writes the handler's log lines as JSON to the service's log file, with the booking id", async () => {
    await cloud.runtime!.coldStart();
    const lines = readFileSync(join(cloud.stateDir, 'logs', 'charter-test.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'flaky handler called', booking_id: 'dlq-1' })]),
    );
  });
});

describe('the local Lambda runtime: execution environments', () => {
  let cloud: LocalCloud;
  const slow = 'charter-test-local-slow';

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [], run: true });
    const handlerFile = join(__dirname, 'fixtures', 'slow.js');
    cloud.runtime!.register(
      {
        service: 'charter-test',
        key: 'slow',
        name: slow,
        logicalId: 'SlowLambdaFunction',
        arn: `arn:aws:lambda:us-west-2:000000000000:function:${slow}`,
        handlerFile,
        handlerExport: 'handler',
        environment: {},
        timeoutSeconds: 1,
        memorySize: 256,
        maximumRetryAttempts: 0,
        maximumEventAgeSeconds: 3600,
      },
      handlerFile,
    );
  });
  afterAll(() => cloud.stop());

  it('runs one invocation at a time in each environment, starting more up to its concurrency', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => cloud.runtime!.invoke(slow, { sleepMs: 50 })));
    const outputs = results.map((r) => (r.ok ? (r.result as { concurrent: number; environment: number }) : undefined));
    expect(outputs.every((o) => o?.concurrent === 1)).toBe(true);
    const environments = new Set(outputs.map((o) => o!.environment));
    expect(environments.size).toBeGreaterThan(1);
    expect(environments.size).toBeLessThanOrEqual(4);
  });

  it('stops a timed-out environment, so the invocation does not go on behind the caller', async () => {
    const marker = join(cloud.stateDir, 'timed-out-marker');
    const result = await cloud.runtime!.invoke(slow, { sleepMs: 1500, writeFile: marker });
    expect(result).toEqual({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(existsSync(marker)).toBe(false);
    expect((await cloud.runtime!.invoke(slow, { sleepMs: 1 })).ok).toBe(true);
  });
});

describe('the local Secrets Manager', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['scc'] });
  });
  afterAll(() => cloud.stop());

  it('on PutSecretValue, moves AWSCURRENT to the new value and AWSPREVIOUS to the old one', async () => {
    const sm = new SecretsManagerClient({});
    const name = 'charter/local/scc-service-key';
    const stage = async (VersionStage: string) =>
      (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage }))).SecretString;
    const first = await stage('AWSCURRENT');
    expect(first).toBe(cloud.secrets[name]);
    await expect(stage('AWSPREVIOUS')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second' }));
    expect([await stage('AWSCURRENT'), await stage('AWSPREVIOUS')]).toEqual(['second', first]);
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'third' }));
    expect([await stage('AWSCURRENT'), await stage('AWSPREVIOUS')]).toEqual(['third', 'second']);
  });

  it('answers an unknown secret with ResourceNotFoundException, as AWS does', async () => {
    await expect(
      new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'charter/local/nope' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
