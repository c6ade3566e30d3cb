import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import { mintCrewToken } from '@charter/shared/magic-link';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { main, parseArgs, rotateSecret } from '../../../scripts/rotate';
import { eventIdFor } from '../src/domain/crew-event';
import { bookingInput, rosterEmail } from './fixtures';
import { bookingEnvelope, lambdaContext, startScc } from './harness';

const SERVICE_KEY = 'charter/local/scc-service-key';
const MAGIC_LINK_KEY = 'charter/local/magic-link-key';

let cloud: LocalCloud;
let secretsManager: SecretsManagerClient;

beforeAll(async () => {
  // No cache: each request reads Secrets Manager, so the test needs no clock. The cached path is tested below.
  cloud = await startScc({ SECRETS_CACHE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  secretsManager = new SecretsManagerClient({});
});
afterAll(async () => {
  secretsManager?.destroy();
  await cloud?.stop();
});

const listEvents = (handler: HttpHandler, key: string): Promise<HttpResult> =>
  handler(
    httpApiEvent({
      method: 'GET',
      route: 'GET /events',
      path: '/events',
      query: { booking_id: 'rot-booking' },
      headers: { 'x-service-key': key },
    }),
    lambdaContext(),
  );
const statusWith = async (handler: HttpHandler, key: string) => (await listEvents(handler, key)).statusCode;

describe('rotating the service key', () => {
  it('accepts the old and the new key until the next rotation, then refuses the oldest', async () => {
    const { handler } = await import('../src/handlers/list-events');
    const first = cloud.secrets[SERVICE_KEY]!;
    expect(await statusWith(handler, first)).toBe(200);

    const { value: second } = await rotateSecret({ client: secretsManager, name: SERVICE_KEY });
    expect(second).not.toBe(first);
    expect(await statusWith(handler, second)).toBe(200);
    expect(await statusWith(handler, first)).toBe(200);

    const { value: third } = await rotateSecret({ client: secretsManager, name: SERVICE_KEY });
    expect(await statusWith(handler, third)).toBe(200);
    expect(await statusWith(handler, second)).toBe(200);
    expect(await statusWith(handler, first)).toBe(403);
  });

  it('moves AWSPREVIOUS to the value it replaces', async () => {
    const before = (await secretsManager.send(new GetSecretValueCommand({ SecretId: SERVICE_KEY }))).SecretString;
    const { value } = await rotateSecret({ client: secretsManager, name: SERVICE_KEY });
    const current = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: SERVICE_KEY, VersionStage: 'AWSCURRENT' }),
    );
    const previous = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: SERVICE_KEY, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(current.SecretString).toBe(value);
    expect(previous.SecretString).toBe(before);
  });
});

describe('rotating the magic-link key', () => {
  it('keeps links minted with the previous key working, and refuses them after the next rotation', async () => {
    const { handler: onBookingEvent } = await import('../src/handlers/on-booking-event');
    const { handler: crewPage } = await import('../src/handlers/crew-page');
    await onBookingEvent(bookingEnvelope(bookingInput({ booking_id: 'rot-link' })), lambdaContext());
    const eventId = eventIdFor('rot-link');
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const open = async (key: string) =>
      (
        await crewPage(
          httpApiEvent({
            method: 'GET',
            route: 'GET /crew/{event_id}',
            path: `/crew/${eventId}`,
            pathParameters: { event_id: eventId },
            query: {
              token: mintCrewToken(key, {
                eventId,
                memberId: 'isla-moreno',
                email: rosterEmail('isla-moreno'),
                expiresAt,
              }),
            },
          }),
          lambdaContext(),
        )
      ).statusCode;

    const oldKey = cloud.secrets[MAGIC_LINK_KEY]!;
    expect(await open(oldKey)).toBe(200);
    const { value: newKey } = await rotateSecret({ client: secretsManager, name: MAGIC_LINK_KEY });
    expect(await open(newKey)).toBe(200);
    expect(await open(oldKey)).toBe(200);
    await rotateSecret({ client: secretsManager, name: MAGIC_LINK_KEY });
    expect(await open(oldKey)).toBe(401);
  });
});

describe('a cached service key', () => {
  afterEach(() => jest.useRealTimers());

  it('is refreshed on a miss, so a just-rotated key works without waiting out the cache', async () => {
    // Only Date is faked: the clock moves when the test says, while the SDK's timers run for real.
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    let handler!: HttpHandler;
    process.env.SECRETS_CACHE_SECONDS = '300';
    await jest.isolateModulesAsync(async () => {
      ({ handler } = await import('../src/handlers/list-events'));
    });
    process.env.SECRETS_CACHE_SECONDS = '0';

    const before = (await secretsManager.send(new GetSecretValueCommand({ SecretId: SERVICE_KEY }))).SecretString!;
    expect(await statusWith(handler, before)).toBe(200);
    const { value: rotated } = await rotateSecret({ client: secretsManager, name: SERVICE_KEY });
    // Within seconds of the last read, a miss is not allowed to go back to Secrets Manager...
    expect(await statusWith(handler, rotated)).toBe(403);
    jest.setSystemTime(Date.now() + 6_000);
    // ...after that it is, and the new key is accepted while the cache is still young.
    expect(await statusWith(handler, rotated)).toBe(200);
    expect(await statusWith(handler, before)).toBe(200);
  });
});

describe('npm run rotate', () => {
  /** .local/secrets.json: name -> value. */
  const valuesIn = (text: string) => JSON.parse(text) as Record<string, string>;
  const stateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotate-'));
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify(cloud.endpoints));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ [SERVICE_KEY]: 'stale' }));
    return dir;
  };

  it('rotates a local secret, prints the new value and updates .local/secrets.json', async () => {
    const dir = stateDir();
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      await main(['scc-service-key', '--stage', 'local'], { stateDir: dir });
    } finally {
      log.mockRestore();
    }
    const current = (await secretsManager.send(new GetSecretValueCommand({ SecretId: SERVICE_KEY }))).SecretString;
    expect(printed[0]).toContain(`rotated ${SERVICE_KEY}`);
    expect(printed[1]).toBe(current);
    expect(valuesIn(readFileSync(join(dir, 'secrets.json'), 'utf8'))[SERVICE_KEY]).toBe(current);
  });

  it('parses its arguments and refuses what it cannot do', () => {
    expect(parseArgs(['scc-service-key'])).toEqual({
      shortName: 'scc-service-key',
      stage: 'local',
      print: false,
      action: 'rotate',
    });
    expect(parseArgs(['partner-secrets', '--partner', 'getmyboat', '--stage=prod'])).toEqual({
      shortName: 'partner-secrets',
      stage: 'prod',
      partner: 'getmyboat',
      print: false,
      action: 'rotate',
    });
    expect(parseArgs(['scc-service-key', '--finish'])).toMatchObject({ action: 'finish' });
    expect(() => parseArgs(['guest-upload-key', '--finish'])).toThrow(/guest page.*--force/);
    expect(() => parseArgs(['magic-link-key', '--finish'])).toThrow(/crew link.*--force/);
    expect(parseArgs(['guest-upload-key', '--finish', '--force'])).toMatchObject({ action: 'finish', force: true });
    expect(parseArgs(['partner-secrets', '--migrate', '--stage', 'prod'])).toMatchObject({ action: 'migrate' });
    expect(() => parseArgs([])).toThrow(/name one secret/);
    expect(() => parseArgs(['nope'])).toThrow(/unknown secret/);
    expect(() => parseArgs(['partner-secrets'])).toThrow(/--partner/);
    expect(() => parseArgs(['scc-service-key', '--partner', 'x'])).toThrow(/only applies/);
    expect(() => parseArgs(['scc-service-key', '--stage'])).toThrow(/needs a value/);
    expect(() => parseArgs(['partner-secrets', '--partner', 'Not/Partner'])).toThrow(/not a partner name/);
    expect(() => parseArgs(['partner-secrets', '--partner', 'x', '--migrate'])).toThrow(/--migrate/);
    expect(() => parseArgs(['scc-service-key', '--migrate'])).toThrow(/--migrate/);
    expect(() => parseArgs(['scc-service-key', '--finish', '--migrate'])).toThrow(/pick one/);
  });
});
