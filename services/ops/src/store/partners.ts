import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import type { AcceptedEvent, PartnerState, Refusal } from '../domain/partners';
import { PARTNERS_PK, dynamo, expiresAfter, partnerKey, queryAll, refusalKey, table } from './table';

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

/** One refusal: kept for the day's count (its key is the refused event, so a duplicate is one item), and the newest. */
export async function recordRefusal(partner: string, refusal: Refusal): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...refusalKey(partner, refusal.at, refusal.event_id),
        ...refusal,
        expires_at: expiresAfter(new Date(), 90),
      },
    }),
  );
  await keepNewest(partner, 'last_refused', refusal);
}

/** Every partner ops has heard of (a handful: one Query). */
export async function readPartners(): Promise<PartnerState[]> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': PARTNERS_PK },
  });
  return items.map((item) => ({
    partner: String(item.partner),
    ...(item.last_accepted ? { last_accepted: item.last_accepted as AcceptedEvent } : {}),
    ...(item.last_refused ? { last_refused: item.last_refused as Refusal } : {}),
  }));
}

/** How many requests of the partner were refused since `since`. */
export async function countRefusalsSince(partner: string, since: Date): Promise<number> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk >= :since',
    ExpressionAttributeValues: { ':pk': `partner#${partner}`, ':since': `refused#${since.toISOString()}` },
    ProjectionExpression: 'sk',
  });
  return items.length;
}
