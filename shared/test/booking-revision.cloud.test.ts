import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { RevisionHead } from '../src/booking-revision';

type Module = typeof import('../src/booking-revision');
type Item = RevisionHead & { booking_id: string; data?: string };

describe('applyBookingEvent, against the local DynamoDB', () => {
  let cloud: LocalCloud;
  let revisions: Module;
  let dynamo: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient;
  const table = 'revision-test';
  let counter = 0;
  const nextId = () => `booking-${++counter}`;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [] });
    await new DynamoDBClient({}).send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'booking_id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'booking_id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    revisions = await import('../src/booking-revision');
    dynamo = (await import('../src/dynamo')).documentClient();
  });
  afterAll(() => cloud.stop());

  const apply = (bookingId: string, owner: string, revision: number, cancels = false, content?: string) =>
    revisions.applyBookingEvent<Item>({
      dynamo,
      table,
      key: { booking_id: bookingId },
      ref: { owner, revision, cancels, ...(content === undefined ? {} : { content }) },
      set: { assignments: ['#data = :data'], names: { '#data': 'data' }, values: { ':data': `${owner}@${revision}` } },
    });

  it('applies the first event and makes its partner the owner', async () => {
    const id = nextId();
    const outcome = await apply(id, 'boatsetter', 1);
    expect(outcome).toMatchObject({ kind: 'applied', item: { owner: 'boatsetter', revision: 1, lifecycle: 'live' } });
  });

  it("refuses another partner's event for an owned booking and changes nothing", async () => {
    const id = nextId();
    await apply(id, 'boatsetter', 1);
    expect(await apply(id, 'getmyboat', 5)).toEqual({ kind: 'not_owner', owner: 'boatsetter' });
    expect(await apply(id, 'getmyboat', 6, true)).toEqual({ kind: 'not_owner', owner: 'boatsetter' });
    expect(await apply(id, 'boatsetter', 1)).toEqual({ kind: 'redelivery' });
  });

  it('ignores an older revision after a newer one, and treats the same one as a redelivery', async () => {
    const id = nextId();
    await apply(id, 'direct', 2);
    expect(await apply(id, 'direct', 1)).toEqual({ kind: 'stale', current: 2 });
    expect(await apply(id, 'direct', 2)).toEqual({ kind: 'redelivery' });
    expect(await apply(id, 'direct', 3)).toMatchObject({ kind: 'applied', item: { revision: 3, data: 'direct@3' } });
  });

  it('refuses the same revision with other content (revision_conflict); the same content is a redelivery', async () => {
    const id = nextId();
    await apply(id, 'direct', 1, false, 'hash-a');
    expect(await apply(id, 'direct', 1, false, 'hash-b')).toEqual({ kind: 'revision_conflict', revision: 1 });
    expect(await apply(id, 'direct', 1, false, 'hash-a')).toEqual({ kind: 'redelivery' });
    expect(await apply(id, 'direct', 2, false, 'hash-b')).toMatchObject({
      kind: 'applied',
      item: { revision: 2, content_hash: 'hash-b' },
    });
    // A cancellation keeps its own rule: final whatever its revision, redelivered as such.
    expect(await apply(id, 'direct', 2, true)).toMatchObject({ kind: 'applied', item: { lifecycle: 'cancelled' } });
    expect(await apply(id, 'direct', 2, true)).toEqual({ kind: 'redelivery' });
    expect(await apply(id, 'direct', 2, false, 'hash-c')).toEqual({ kind: 'cancelled' });
  });

  it('takes the same revision as a redelivery on an item written before the content was kept', async () => {
    const id = nextId();
    await apply(id, 'direct', 1);
    expect(await apply(id, 'direct', 1, false, 'hash-a')).toEqual({ kind: 'redelivery' });
  });

  it('keeps a cancellation that came first as a tombstone: the create after it does nothing', async () => {
    const id = nextId();
    expect(await apply(id, 'getmyboat', 3, true)).toMatchObject({ kind: 'applied', item: { lifecycle: 'cancelled' } });
    expect(await apply(id, 'getmyboat', 1)).toEqual({ kind: 'cancelled' });
    expect(await apply(id, 'getmyboat', 2)).toEqual({ kind: 'cancelled' });
    expect(await apply(id, 'getmyboat', 3, true)).toEqual({ kind: 'redelivery' });
  });

  it('cancels whatever the revision, so a cancellation that overtakes an update still ends the booking', async () => {
    const id = nextId();
    await apply(id, 'getmyboat', 4);
    expect(await apply(id, 'getmyboat', 3, true)).toMatchObject({ kind: 'applied', item: { lifecycle: 'cancelled' } });
  });

  it('admits exactly what the conditional write applies', async () => {
    const histories: Array<Array<[string, number, boolean]>> = [
      [],
      [['boatsetter', 2, false]],
      [['boatsetter', 2, true]],
    ];
    const events: Array<[string, number, boolean]> = [
      ['boatsetter', 1, false],
      ['boatsetter', 2, false],
      ['boatsetter', 3, false],
      ['boatsetter', 1, true],
      ['getmyboat', 3, false],
    ];
    const predictions: boolean[] = [];
    for (const history of histories) {
      for (const [owner, revision, cancels] of events) {
        const id = nextId();
        for (const step of history) await apply(id, ...step);
        const { Item } = await dynamo.send(new GetCommand({ TableName: table, Key: { booking_id: id } }));
        const predicted = revisions.admits(Item as RevisionHead | undefined, { owner, revision, cancels });
        const applied = (await apply(id, owner, revision, cancels)).kind === 'applied';
        // The case travels with the result, so a failure names it.
        expect({ history, event: [owner, revision, cancels], applied }).toEqual({
          history,
          event: [owner, revision, cancels],
          applied: predicted,
        });
        predictions.push(predicted);
      }
    }
    expect(new Set(predictions)).toEqual(new Set([true, false]));
  });

  it('settles concurrent deliveries of many revisions on the newest, each applied at most once', async () => {
    const id = nextId();
    const order = [5, 2, 9, 1, 7, 3, 10, 4, 8, 6];
    const outcomes = await Promise.all(
      order.flatMap((revision) => [apply(id, 'boatsetter', revision), apply(id, 'boatsetter', revision)]),
    );
    const applied = outcomes.flatMap((o) => (o.kind === 'applied' ? [o.item.revision] : []));
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied).toContain(10);
    const last = await apply(id, 'boatsetter', 10);
    expect(last).toEqual({ kind: 'redelivery' });
  });
});
