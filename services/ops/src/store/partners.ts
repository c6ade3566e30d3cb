import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, isConditionFailure } from '@charter/shared/dynamo';
import {
  RECENT_UNKNOWN_NAMES,
  UNKNOWN_PARTNER,
  hourOf,
  staleHours,
  type AcceptedEvent,
  type PartnerState,
  type Refusal,
} from '../domain/partners';
import { PARTNERS_PK, dynamo, expiresAfter, partnerKey, refusalKey, table, type Item } from './table';

/**
 * A partner row (pk `partners`) holds, besides its last accepted and refused events, one attribute per hour with
 * refusals (`refused#<YYYY-MM-DDTHH>`: a count, removed by the watch after a day) and, for the unknown bucket, the
 * last names refused in `RECENT_UNKNOWN_NAMES` slots (`recent_name#<n>`). Top-level attributes, not maps: an UpdateItem
 * cannot create a map and set a key inside it in one expression, and ADD creates a missing number.
 */
const HOUR_PREFIX = 'refused#';
const NAME_SLOT_PREFIX = 'recent_name#';

/** The most partner rows one read returns: a handful are onboarded; made-up names never get a row (one bucket). */
export const MAX_PARTNER_ROWS = 100;

/**
 * Keeps `field` (last_accepted or last_refused) at the newest instant seen: a conditional UpdateItem, so events in any
 * order, a duplicate or an archive replay leave the newest one. False when the item already holds a newer one.
 */
function keepNewest(partner: string, field: 'last_accepted' | 'last_refused', value: AcceptedEvent | Refusal) {
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: partnerKey(partner),
        UpdateExpression: 'SET #field = :value, #at = :at, partner = :partner',
        ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
        ExpressionAttributeNames: { '#field': field, '#at': `${field}_at` },
        ExpressionAttributeValues: { ':value': value, ':at': value.at, ':partner': partner },
      }),
    ),
  );
}

export const recordAccepted = (partner: string, accepted: AcceptedEvent) =>
  keepNewest(partner, 'last_accepted', accepted);

/**
 * One refusal, counted once on the row it belongs to (`bucket`: the partner, or `UNKNOWN_PARTNER` for a made-up name):
 * the refusal item (TTL 90 days, keyed by the refused event) is written first and only if absent, so a redelivery or a
 * replay is not counted again; then one UpdateItem adds it to its hour and, when it is the newest, makes it
 * `last_refused`. A crash between the two writes loses that one count (the retry finds the item): never counts twice.
 */
export async function recordRefusal(refused: { bucket: string; name: string; refusal: Refusal }): Promise<void> {
  const { bucket, name, refusal } = refused;
  const first = await conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...refusalKey(bucket, refusal.at, refusal.event_id),
          ...refusal,
          ...(bucket === name ? {} : { name }),
          expires_at: expiresAfter(new Date(), 90),
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    ),
  );
  if (!first) {
    await keepNewest(bucket, 'last_refused', refusal);
    return;
  }
  const total = await countRefusal(bucket, refusal);
  if (bucket === UNKNOWN_PARTNER) await keepName(total, { name, at: refusal.at });
}

/** Adds the refusal to its hour (and to the row's total, which numbers it), and makes it `last_refused` if newest. */
async function countRefusal(bucket: string, refusal: Refusal): Promise<number> {
  const lastRefused = 'last_refused = :value, last_refused_at = :at, ';
  const count = (newest: boolean) =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: partnerKey(bucket),
        UpdateExpression: `SET ${newest ? lastRefused : ''}partner = :partner ADD #hour :one, refused_total :one`,
        ...(newest ? { ConditionExpression: 'attribute_not_exists(last_refused_at) OR last_refused_at < :at' } : {}),
        ExpressionAttributeNames: { '#hour': `${HOUR_PREFIX}${hourOf(refusal.at)}` },
        ExpressionAttributeValues: {
          ':partner': bucket,
          ':one': 1,
          ...(newest ? { ':value': refusal, ':at': refusal.at } : {}),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  try {
    return Number((await count(true)).Attributes?.refused_total);
  } catch (error) {
    // A newer refusal is already the row's last: this one is only counted.
    if (!isConditionFailure(error)) throw error;
    return Number((await count(false)).Attributes?.refused_total);
  }
}

/**
 * The unknown bucket's last names: the n-th refusal counted takes slot n mod 5, so the row holds the last five names
 * and never more, however many are made up (a list would need a read-modify-write to stay bounded).
 */
async function keepName(total: number, seen: { name: string; at: string }): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: partnerKey(UNKNOWN_PARTNER),
      UpdateExpression: 'SET #slot = :seen',
      ExpressionAttributeNames: { '#slot': `${NAME_SLOT_PREFIX}${total % RECENT_UNKNOWN_NAMES}` },
      ExpressionAttributeValues: { ':seen': seen },
    }),
  );
}

/** Removes the hourly counts older than a day from a partner row (the watch, once a minute). */
export async function forgetStaleHours(state: PartnerState, now: Date): Promise<void> {
  const stale = staleHours(state.refused_hours ?? {}, now);
  if (!stale.length) return;
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: partnerKey(state.partner),
      UpdateExpression: `REMOVE ${stale.map((_, i) => `#h${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(stale.map((hour, i) => [`#h${i}`, `${HOUR_PREFIX}${hour}`])),
    }),
  );
}

/** The partner rows, one Query of at most `MAX_PARTNER_ROWS` (`truncated` past that). */
export async function readPartners(): Promise<{ partners: PartnerState[]; truncated: boolean }> {
  const page = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTNERS_PK },
      Limit: MAX_PARTNER_ROWS + 1,
    }),
  );
  const items = page.Items ?? [];
  return { partners: items.slice(0, MAX_PARTNER_ROWS).map(partnerStateOf), truncated: items.length > MAX_PARTNER_ROWS };
}

function partnerStateOf(item: Item): PartnerState {
  const attributes = Object.entries(item);
  const hours = attributes.filter(([key]) => key.startsWith(HOUR_PREFIX));
  const names = attributes
    .filter(([key]) => key.startsWith(NAME_SLOT_PREFIX))
    .map(([, seen]) => seen as { name: string; at: string })
    .sort((a, b) => b.at.localeCompare(a.at));
  return {
    partner: String(item.partner),
    ...(item.last_accepted ? { last_accepted: item.last_accepted as AcceptedEvent } : {}),
    ...(item.last_refused ? { last_refused: item.last_refused as Refusal } : {}),
    refused_hours: Object.fromEntries(hours.map(([key, count]) => [key.slice(HOUR_PREFIX.length), Number(count)])),
    ...(names.length ? { recent_names: names } : {}),
  };
}
