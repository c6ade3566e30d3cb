/**
 * What the end-to-end tests and the benchmark share: publishing bookings as a partner does (real
 * SDK, PutEvents), and reading what the system produced through the same protocols a person or
 * partner would use (CloudFront, the HTTP API, SES's mail store, DynamoDB).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingCreatedInput } from '@charter/events';
import { mailbox, type LocalCloud, type StoredEmail } from '@charter/local/testing';

export const BUS = 'charter-bookings-local';
export const SAMPLES_DIR = join(__dirname, '..', '..', 'events', 'samples');

export const samples = (): BookingCreatedInput[] =>
  readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(SAMPLES_DIR, f), 'utf8')));

/** A booking like the Boatsetter sample, with its own id, date and amounts of money. */
export function booking(index: number, overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput {
  const day = String((index % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(index / 28) % 12) + 1).padStart(2, '0');
  return {
    schema_version: 1,
    booking_id: `bench-${String(index).padStart(5, '0')}`,
    source: 'boatsetter',
    charter_date: `2031-${month}-${day}`,
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    guest_count: (index % 12) + 1,
    guest: { name: `Guest ${index}`, email: `guest${index}@example.com`, phone: '+1 619 555 0142' },
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    revenue_cents: 987_654,
    captain_fee_cents: 43_210,
    currency: 'USD',
    notes: 'Revenue: $9,876.54 after the partner fee\nCaptain fee $432.10\nBringing a cake.',
    ...overrides,
  };
}

/** Strings that would betray the money of `booking()` or of the samples if crew could see them. */
export const MONEY_STRINGS = [
  '9,876.54',
  '987654',
  '987,654',
  '432.10',
  '43210',
  '1,450',
  '145000',
  '$300',
  '30000',
  '98000',
  '64000',
  '20000',
  'Revenue',
  'payout',
  'Captain fee',
];
export const moneyIn = (text: string) => MONEY_STRINGS.filter((m) => text.includes(m));

/** Publishes the bookings on the bus as their partners do (PutEvents, ten a call); when each was sent, by booking id. */
export async function publishBookings(bookings: BookingCreatedInput[], parallel = false): Promise<Map<string, number>> {
  const client = new EventBridgeClient({});
  const sentAt = new Map<string, number>();
  const batches: BookingCreatedInput[][] = [];
  for (let i = 0; i < bookings.length; i += 10) batches.push(bookings.slice(i, i + 10));
  const send = async (batch: BookingCreatedInput[]) => {
    const now = Date.now();
    const result = await client.send(
      new PutEventsCommand({
        Entries: batch.map((b) => ({
          EventBusName: BUS,
          Source: `partner.${b.source}`,
          DetailType: 'BookingCreated',
          Detail: JSON.stringify(b),
        })),
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents refused entries: ${JSON.stringify(result.Entries)}`);
    for (const b of batch) sentAt.set(b.booking_id, now);
  };
  try {
    if (parallel) await Promise.all(batches.map(send));
    else for (const batch of batches) await send(batch);
  } finally {
    client.destroy();
  }
  return sentAt;
}

/** Every message the local cloud's SES has accepted. */
export const emails = (cloud: LocalCloud): Promise<StoredEmail[]> => mailbox(cloud.endpoints.ses);

/** The crew emails of one booking: the text names the booking id. */
export const crewEmailsOf = (all: StoredEmail[], bookingId: string) =>
  all.filter((e) => (e.body.text ?? '').includes(bookingId) && /\/crew\//.test(e.body.text ?? ''));

export const crewLinkIn = (email: StoredEmail, apiBase: string) => {
  const escaped = apiBase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}/crew/[^\\s"<>]+`).exec(email.body.text ?? '');
  return match?.[0];
};

export const eventsOf = (cloud: LocalCloud, detailType: string, bookingId?: string) =>
  cloud.published().filter((e) => e['detail-type'] === detailType && (!bookingId || e.detail.booking_id === bookingId));

export async function scanTable(tableName: string): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Removes a service's table (a broken deploy, say) and puts it back, as its serverless.yml defines it. */
export async function dropTable(cloud: LocalCloud, tableName: string): Promise<() => Promise<void>> {
  const table = cloud.services.flatMap((s) => s.tables).find((t) => t.name === tableName);
  if (!table) throw new Error(`no table ${tableName} in the local cloud`);
  const client = new DynamoDBClient({});
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  return async () => {
    const p = table.properties;
    await client.send(
      new CreateTableCommand({
        TableName: p.TableName,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
        ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
      }),
    );
  };
}

export const serviceKey = (cloud: LocalCloud) => cloud.secrets['charter/local/scc-service-key']!;
