import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventCatalog, type DetailInputOf, type ServiceDetailType } from '@charter/events';
import { httpApiEvent, lambdaContext, scheduledEvent, type LocalCloud } from '@charter/local/testing';
import type { APIGatewayProxyStructuredResultV2, Context, EventBridgeEvent } from 'aws-lambda';

/** The ops functions' settings, all at once: no two functions set a variable differently. */
export function opsEnvironment(cloud: LocalCloud): Record<string, string> {
  const functions = ['onBusEvent', 'onEmailEvent', 'watch', 'listBookings', 'getHealth', 'listDeadLetters'];
  return Object.assign({}, ...functions.map((f) => cloud.functionEnv('ops', f))) as Record<string, string>;
}

export type BusHandler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;
export type HttpHandler = (
  event: ReturnType<typeof httpApiEvent>,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 & { statusCode: number }>;

export const context = (fn = 'onBusEvent') => lambdaContext(`charter-ops-local-${fn}`, 10_000);
export const tick = (at: Date) => scheduledEvent('charter-ops-local-watch-schedule-1', at);

/** An HTTP API request to one of the ops routes, with the dashboard token when given. */
export function get(
  route: string,
  path: string,
  token: string | undefined,
  more: Partial<Parameters<typeof httpApiEvent>[0]> = {},
) {
  return httpApiEvent({
    method: 'GET',
    route: `GET ${route}`,
    path,
    ...(token ? { headers: { 'x-dashboard-token': token } } : {}),
    ...more,
  });
}

/** A JSON response body, read as the type the route is known to answer. */
export const body = <T>(response: { body?: string }) => JSON.parse(response.body ?? '{}') as T;

/** Publishes one of our events onto the local bus as its service does (PutEvents with the real SDK, catalog source). */
export async function publishAs<T extends ServiceDetailType>(detailType: T, detail: DetailInputOf<T>): Promise<string> {
  const client = new EventBridgeClient({});
  try {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'charter-bookings-local',
            Source: eventCatalog[detailType].source,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents refused ${detailType}: ${JSON.stringify(result.Entries)}`);
    return result.Entries![0]!.EventId!;
  } finally {
    client.destroy();
  }
}

/** GET on the local cloud's HTTP API with the dashboard token; the status and the JSON body. */
export async function opsApi<T>(cloud: LocalCloud, path: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.endpoints.api}${path}`, {
    headers: token ? { 'X-Dashboard-Token': token } : {},
  });
  return { status: response.status, body: (await response.json()) as T };
}
