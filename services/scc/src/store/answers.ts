import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '@charter/shared/dynamo';
import type { CrewEvent, Decline } from '../domain/crew-event';
import { dynamo, eventKey, readItem, table, toEvent, withAnswerMaps } from './table';

export type AnswerResult =
  { kind: 'answered'; event: CrewEvent } | { kind: 'not_found' } | { kind: 'not_on_crew' } | { kind: 'cancelled' };

/**
 * A crew member's answer, idempotent: the first time (and reason) of an answer is kept however often the button is
 * pressed, and the other answer is removed (confirming after a decline replaces it, and the other way round).
 * Answering is not an edit, so it leaves the version alone and an operator's pending PATCH is not made stale by it.
 * The write is conditional on the member still being on the crew (a PATCH removing them may land between the page's
 * read and this write) and on the booking not being cancelled. Events written before crew_ids existed have no set;
 * for them the handler's read check stands.
 */
async function answer(
  eventId: string,
  memberId: string,
  kept: 'confirmations' | 'declines',
  value: string | Decline,
): Promise<AnswerResult> {
  const replaced = kept === 'confirmations' ? 'declines' : 'confirmations';
  try {
    const { Attributes } = await withAnswerMaps(eventId, () =>
      dynamo.send(
        new UpdateCommand({
          TableName: table(),
          Key: eventKey(eventId),
          UpdateExpression: 'SET #kept.#member = if_not_exists(#kept.#member, :value) REMOVE #replaced.#member',
          ConditionExpression:
            'attribute_exists(pk) AND #kind = :event' +
            ' AND (contains(#crew_ids, :member_id) OR attribute_not_exists(#crew_ids))' +
            ' AND (attribute_not_exists(#lifecycle) OR #lifecycle <> :cancelled)',
          ExpressionAttributeNames: {
            '#kept': kept,
            '#replaced': replaced,
            '#member': memberId,
            '#kind': 'kind',
            '#crew_ids': 'crew_ids',
            '#lifecycle': 'lifecycle',
          },
          ExpressionAttributeValues: {
            ':value': value,
            ':member_id': memberId,
            ':event': 'event',
            ':cancelled': 'cancelled',
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { kind: 'answered', event: toEvent(Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const item = await readItem(eventId);
    if (item?.kind !== 'event') return { kind: 'not_found' };
    return item.event.lifecycle === 'cancelled' ? { kind: 'cancelled' } : { kind: 'not_on_crew' };
  }
}

/** Records that a crew member will be there (and withdraws their decline, if any). */
export const confirmCrewMember = (eventId: string, memberId: string, now = new Date()) =>
  answer(eventId, memberId, 'confirmations', now.toISOString());

/** Records that a crew member can't make it, with their reason (and withdraws their confirmation, if any). */
export const declineCrewMember = (eventId: string, memberId: string, reason: string | undefined, now = new Date()) =>
  answer(eventId, memberId, 'declines', { at: now.toISOString(), ...(reason ? { reason } : {}) });
