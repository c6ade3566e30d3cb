/**
 * What the end-to-end tests and the benchmark share: bookings in bulk, and reading what the system
 * produced through the same protocols a person or partner would use (CloudFront, the HTTP API,
 * SES's mail store, DynamoDB). Publishing is @charter/local/testing's publishBookings.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { BookingCreatedInput, DetailOf, DetailType } from '@charter/events';
import { mailbox, type LocalCloud, type PublishedEvent, type StoredEmail } from '@charter/local/testing';

/** calendar/<year>.json as the public reads it: per entry the booking id, date, times, guest count and status. */
export interface CalendarJson {
  entries: Array<{ booking_id: string } & Record<string, unknown>>;
}

/** A JSON response body, read as the type the route or file is known to have. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  return (await (await fetch(url, init)).json()) as T;
}

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

/** The events of one detail-type the bus received (of one booking, when given), their detail typed by the contract. */
export function eventsOf<T extends DetailType>(
  cloud: LocalCloud,
  detailType: T,
  bookingId?: string,
): Array<Omit<PublishedEvent, 'detail'> & { detail: DetailOf<T> }> {
  return cloud
    .published()
    .filter((e) => e['detail-type'] === detailType)
    .map((e) => ({ ...e, detail: e.detail as DetailOf<T> }))
    .filter((e) => !bookingId || e.detail.booking_id === bookingId);
}

export async function scanTable(tableName: string): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: ScanCommandOutput['LastEvaluatedKey'];
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
