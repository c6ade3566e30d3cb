import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import type { Alert } from '../domain/partners';
import { ALERTS_PK, alertKey, dynamo, expiresAfter, queryAll, table } from './table';

/** Raises an alert once: true for the one writer whose conditional put created it, false for every later try. */
export const raiseAlert = (alert: Alert) =>
  conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...alertKey(alert.id), ...alert, expires_at: expiresAfter(new Date(alert.raised_at), 180) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );

/** Every alert of the last 180 days, newest first. */
export async function readAlerts(): Promise<Alert[]> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ALERTS_PK },
  });
  return items
    .map((item) => ({
      id: String(item.id),
      kind: 'partner_silent' as const,
      partner: String(item.partner),
      raised_at: String(item.raised_at),
      message: String(item.message),
    }))
    .sort((a, b) => b.raised_at.localeCompare(a.raised_at));
}
