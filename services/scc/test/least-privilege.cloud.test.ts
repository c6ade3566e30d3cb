import { join } from 'node:path';
import { mintCrewToken } from '@charter/shared/magic-link';
import { bookingInput, marinaDate } from '@charter/local/fixtures';
import { publishBookingEvents, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { readYaml } from '../../../local/src/definitions/yaml';
import { FUNCTIONS } from './harness';

/**
 * scc's table rights are scoped by item kind (dynamodb:LeadingKeys on the partition key: EVENT#, BOOKING#, ROSTER),
 * which the local DynamoDB does not enforce. So every request each function makes to it through a booking's whole
 * life and every route is recorded (the SDK's app id names the function), and each is checked against that function's
 * statements in serverless.yml: a condition too narrow for the code would fail here, not in AWS.
 */
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
const definition = readYaml(join(__dirname, '../serverless.yml')) as {
  functions: Record<string, { iamRoleStatements?: Statement[] }>;
};

/** IAM's StringLike: `*` any run of characters, `?` one. */
const like = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

/** Whether the function's statements allow the DynamoDB operation on an item of the events table with this key. */
function allowed(fn: string, operation: string, partitionKey: string): boolean {
  return (definition.functions[fn]?.iamRoleStatements ?? []).some((s) => {
    if (s.Effect !== 'Allow' || ![s.Action].flat().includes(`dynamodb:${operation}`)) return false;
    if (JSON.stringify(s.Resource) !== JSON.stringify({ 'Fn::GetAtt': ['EventsTable', 'Arn'] })) return false;
    const keys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    return keys === undefined || [keys].flat().some((pattern) => like(pattern, partitionKey));
  });
}

let cloud: LocalCloud;
const api = (path: string, init: RequestInit = {}) => fetch(`${cloud.endpoints.api}${path}`, init);

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['scc'], run: true, recordCalls: true });
}, 60_000);
afterAll(() => cloud.stop());

describe("scc's table rights, held to what its functions do", () => {
  it('the check can fail: a crew route reading the roster, or a scoped write elsewhere, is refused', () => {
    expect(allowed('crewPage', 'GetItem', 'EVENT#evt_x')).toBe(true);
    expect(allowed('crewPage', 'GetItem', 'ROSTER')).toBe(false);
    expect(allowed('confirm', 'UpdateItem', 'BOOKING#b1')).toBe(false);
    expect(allowed('onBookingEvent', 'UpdateItem', 'ROSTER')).toBe(false);
    expect(allowed('putCrew', 'PutItem', 'ROSTER')).toBe(true);
  });

  it('allows every request every function makes through a booking’s life and every route', async () => {
    const key = {
      'x-service-key': cloud.secrets['charter/local/scc-service-key']!,
      'content-type': 'application/json',
    };
    const booking = bookingInput({ booking_id: 'lp-live', charter_date: marinaDate(30) });
    // A creation, a change, and a cancellation that comes before its booking (a tombstone).
    await publishBookingEvents([
      { detailType: 'BookingCreated', detail: booking },
      {
        detailType: 'BookingUpdated',
        detail: { ...booking, charter_start: '11:00', charter_end: '14:00', revision: 2 },
      },
      {
        detailType: 'BookingCancelled',
        detail: {
          schema_version: 1,
          booking_id: 'lp-gone',
          source: 'boatsetter',
          revision: 1,
          cancelled_at: new Date().toISOString(),
        },
      },
    ]);
    await cloud.idle();
    const created = cloud.published().find((e) => e['detail-type'] === 'EventCreated');
    const eventId = (created!.detail as { event_id: string }).event_id;

    const roster = [
      { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
    ];
    expect((await api('/crew', { method: 'PUT', headers: key, body: JSON.stringify({ crew: roster }) })).status).toBe(
      200,
    );
    const manual = {
      booking_id: 'lp-manual',
      charter_date: marinaDate(31),
      charter_start: '10:00',
      charter_end: '12:00',
    };
    const post = await api('/events', {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ ...manual, vessel: 'JADA', location: 'Shelter Island', guest_count: 2 }),
    });
    expect(post.status).toBe(201);
    expect((await api('/events?booking_id=lp-live', { headers: key })).status).toBe(200);
    const got = await api(`/events/${eventId}`, { headers: key });
    expect(got.status).toBe(200);
    const patch = await api(`/events/${eventId}`, {
      method: 'PATCH',
      headers: { ...key, 'if-match': got.headers.get('etag')! },
      body: JSON.stringify({ crew_notes: 'Meet at the fuel dock' }),
    });
    expect(patch.status).toBe(200);
    const resend = await api(`/events/${eventId}/crew/rowan-hale/resend`, { method: 'POST', headers: key });
    expect(resend.status).toBe(202);
    // With an Idempotency-Key, twice: its record (Powertools' writes and read) is held to the role too.
    for (let i = 0; i < 2; i++) {
      const keyed = { ...key, 'idempotency-key': 'lp-resend-1' };
      const again = await api(`/events/${eventId}/crew/isla-moreno/resend`, { method: 'POST', headers: keyed });
      expect(again.status).toBe(202);
    }

    const token = mintCrewToken(cloud.secrets['charter/local/magic-link-key']!, {
      eventId,
      memberId: 'rowan-hale',
      email: 'captain@crew.example.com',
      expiresAt: Math.floor(Date.now() / 1000) + 40 * 24 * 3600,
    });
    const asCrew = { accept: 'application/json', 'content-type': 'application/json' };
    expect((await api(`/crew/${eventId}?token=${token}`)).status).toBe(200);
    const answer = (path: string, body: object) =>
      api(`/crew/${eventId}/${path}`, { method: 'POST', headers: asCrew, body: JSON.stringify({ token, ...body }) });
    expect((await answer('confirm', {})).status).toBe(200);
    expect((await answer('decline', { reason: 'Sick' })).status).toBe(200);
    await cloud.idle();

    const calls = cloud.dynamodbCalls().filter((c) => c.functionName?.startsWith('charter-scc-local-'));
    const refused = calls.flatMap((call) => {
      const fn = call.functionName!.replace('charter-scc-local-', '');
      const item = (call.input.Key ?? call.input.Item) as { pk?: { S?: string } } | undefined;
      const pk = item?.pk?.S ?? '(no key)';
      return allowed(fn, call.operation, pk) ? [] : [`${fn}: ${call.operation} ${pk}`];
    });
    expect(refused).toEqual([]);
    // The Idempotency-Key's record was written and read by the route's function (Powertools' own client, named too).
    const records = calls.filter((c) => JSON.stringify(c.input.Key ?? c.input.Item ?? {}).includes('EVENT#resend#'));
    expect(new Set(records.map((c) => `${c.functionName} ${c.operation}`))).toContain(
      'charter-scc-local-resendCrewNotice PutItem',
    );
    // Every function was exercised, each on the item kinds it is given.
    expect([...new Set(calls.map((c) => c.functionName!.replace('charter-scc-local-', '')))].sort()).toEqual(
      [...FUNCTIONS].sort(),
    );
  });
});
