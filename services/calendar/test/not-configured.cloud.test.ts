import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { bodyOf, httpEvent, lambdaContext, type ListedBody, type RefusedBody } from './support';

/** A stage missing a secret or a setting fails loudly: 500 not_configured and an ERROR log naming it. */
let cloud: LocalCloud;
let env: Record<string, string>;
let logged: string[];
let spies: jest.SpyInstance[];

const entryBody = {
  booking_id: 'nc-0001',
  charter_date: '2027-06-12',
  charter_start: '18:30',
  charter_end: '21:00',
  guest_count: 6,
  source: 'direct',
};
const errorLogs = () => logged.filter((line) => line.includes('"level":"ERROR"'));

/** Loads the handlers afresh with this environment, as a cold start with it would. */
async function handlersWith(overrides: Record<string, string | undefined>) {
  jest.resetModules();
  for (const [key, value] of Object.entries({ ...env, ...overrides })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return {
    createEntry: (await import('../src/handlers/create-entry')).handler,
    listEntries: (await import('../src/handlers/list-entries')).handler,
  };
}

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = { ...cloud.functionEnv('calendar', 'createEntry'), POWERTOOLS_LOG_LEVEL: 'INFO' };
});

beforeEach(() => {
  logged = [];
  // Powertools writes JSON lines, ERROR ones to stderr.
  spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }),
  );
});

afterEach(() => spies.forEach((spy) => spy.mockRestore()));
afterAll(async () => {
  await cloud?.stop();
});

it('answers 500 not_configured on both routes, naming the dashboard-token secret, when it is missing', async () => {
  const missing = 'charter/local/dashboard-token-that-was-never-created';
  const h = await handlersWith({ DASHBOARD_TOKEN_SECRET_NAME: missing });
  const token = { 'x-dashboard-token': cloud.secrets['charter/local/dashboard-token']! };

  for (const response of [
    await h.createEntry(httpEvent('POST', '/calendar/entries', { body: entryBody, headers: token }), lambdaContext()),
    await h.listEntries(
      httpEvent('GET', '/calendar/entries', { query: { year: '2027' }, headers: token }),
      lambdaContext(),
    ),
    // Even without a token: the stage is broken, and saying 401 would hide it.
    await h.listEntries(httpEvent('GET', '/calendar/entries', { query: { year: '2027' } }), lambdaContext()),
  ]) {
    expect(response.statusCode).toBe(500);
    expect(bodyOf<RefusedBody>(response).error).toBe('not_configured');
    expect(bodyOf<RefusedBody>(response).message).toContain(missing);
  }
  expect(errorLogs().length).toBeGreaterThanOrEqual(3);
  expect(errorLogs().every((line) => line.includes(missing))).toBe(true);
});

it('answers 500 not_configured naming CALENDAR_BUCKET when it is missing, and saves nothing', async () => {
  const h = await handlersWith({ CALENDAR_BUCKET: undefined });
  const token = { 'x-dashboard-token': cloud.secrets['charter/local/dashboard-token']! };

  const response = await h.createEntry(
    httpEvent('POST', '/calendar/entries', { body: entryBody, headers: token }),
    lambdaContext(),
  );
  expect(response.statusCode).toBe(500);
  expect(bodyOf(response)).toMatchObject({ error: 'not_configured' });
  expect(bodyOf<RefusedBody>(response).message).toContain('CALENDAR_BUCKET');
  expect(errorLogs().some((line) => line.includes('CALENDAR_BUCKET'))).toBe(true);

  const listed = await h.listEntries(
    httpEvent('GET', '/calendar/entries', { query: { year: '2027' }, headers: token }),
    lambdaContext(),
  );
  expect(bodyOf<ListedBody>(listed).entries).toEqual([]);
});

it('answers 500 not_configured naming REBUILD_LEASE_SECONDS when the lease does not outlast the timeout', async () => {
  const h = await handlersWith({ REBUILD_LEASE_SECONDS: '10', FUNCTION_TIMEOUT_SECONDS: '10' });
  const token = { 'x-dashboard-token': cloud.secrets['charter/local/dashboard-token']! };

  const response = await h.createEntry(
    httpEvent('POST', '/calendar/entries', { body: { ...entryBody, booking_id: 'nc-lease' }, headers: token }),
    lambdaContext(),
  );
  expect(response.statusCode).toBe(500);
  expect(bodyOf(response)).toMatchObject({ error: 'not_configured' });
  expect(bodyOf<RefusedBody>(response).message).toContain('REBUILD_LEASE_SECONDS');
  expect(errorLogs().some((line) => line.includes('REBUILD_LEASE_SECONDS'))).toBe(true);
  const listed = await h.listEntries(
    httpEvent('GET', '/calendar/entries', { query: { year: '2027' }, headers: token }),
    lambdaContext(),
  );
  expect(bodyOf<ListedBody>(listed).entries.map((e) => e.booking_id)).not.toContain('nc-lease');
});

it('gives every publishing function its own timeout and a lease outlasting it; so does the default lease', async () => {
  const calendar = cloud.services.find((service) => service.name === 'charter-calendar')!;
  for (const key of ['onBookingEvent', 'createEntry', 'sweepInvalidations']) {
    const fn = calendar.functions.find((f) => f.key === key)!;
    expect(Number(fn.environment.FUNCTION_TIMEOUT_SECONDS)).toBe(fn.timeoutSeconds);
    expect(Number(fn.environment.REBUILD_LEASE_SECONDS)).toBeGreaterThan(fn.timeoutSeconds);
  }
  const longest = Math.max(
    ...calendar.functions.filter((f) => f.environment.REBUILD_LEASE_SECONDS).map((f) => f.timeoutSeconds),
  );
  // Without the setting, checked against the longest of those timeouts.
  await handlersWith({ REBUILD_LEASE_SECONDS: undefined, FUNCTION_TIMEOUT_SECONDS: String(longest) });
  const { rebuildLeaseMs, setting } = await import('../src/config');
  expect(setting('REBUILD_LEASE_SECONDS')).toBe(45);
  expect(rebuildLeaseMs()).toBeGreaterThan(longest * 1000);
});
