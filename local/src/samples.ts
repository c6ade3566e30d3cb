import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BookingCreatedInput, DetailOf, DetailType } from '@charter/events';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import { CREDENTIALS, REGION } from './cloud/account';
import type { LocalCloud } from './cloud/start';

/** Publishes bookings as a partner would, with the real SDK, then waits for every consumer to settle. */
export async function publishSamples(cloud: LocalCloud, bookings: BookingCreatedInput[]): Promise<string[]> {
  const client = new EventBridgeClient({
    region: REGION,
    credentials: CREDENTIALS,
    endpoint: cloud.endpoints.eventbridge,
  });
  const ids: string[] = [];
  for (let i = 0; i < bookings.length; i += 10) {
    const batch = bookings.slice(i, i + 10);
    const result = await client.send(
      new PutEventsCommand({
        Entries: batch.map((b) => ({
          EventBusName: 'charter-bookings-local',
          Source: `partner.${b.source}`,
          DetailType: 'BookingCreated',
          Detail: JSON.stringify(b),
        })),
      }),
    );
    if (result.FailedEntryCount)
      throw new Error(`PutEvents refused ${result.FailedEntryCount} sample(s): ${JSON.stringify(result.Entries)}`);
    ids.push(...(result.Entries ?? []).map((e) => e.EventId!));
  }
  client.destroy();
  await cloud.idle();
  return ids;
}

/** For each booking: its guest page, each crew member's crew page, its calendar JSON; then the mail viewer. */
export function whereToLook(cloud: LocalCloud, bookingIds: string[]): string {
  // The publishers validated every detail against its schema before PutEvents.
  const latest = <T extends DetailType>(type: T, id: string) =>
    cloud
      .published()
      .map((e) => (e['detail-type'] === type ? (e.detail as DetailOf<T>) : undefined))
      .filter((detail) => detail?.booking_id === id)
      .at(-1);
  const lines: string[] = [];
  for (const id of bookingIds) {
    const page = latest('GuestPagePublished', id);
    const calendar = latest('CalendarUpdated', id);
    const notified = latest('CrewNotified', id);
    lines.push(
      `booking ${id}`,
      `  guest page     ${page ? page.url : '(not published: see .local/logs/charter-guest-pages.log)'}`,
      ...crewPageLines(cloud, latest('EventCreated', id)),
      `  calendar JSON  ${calendar ? calendar.calendar_url : '(not updated: see .local/logs/charter-calendar.log)'}`,
      `  crew email     ${
        notified ? `${notified.recipients.length} sent` : '(not sent yet: see .local/logs/charter-notifications.log)'
      }`,
    );
  }
  lines.push('', `mail viewer      ${cloud.endpoints.ses}/   (every crew email; JSON at ${cloud.endpoints.ses}/store)`);
  return lines.join('\n');
}

/** One magic link per crew member, minted with the local key as the notifier would. */
function crewPageLines(cloud: LocalCloud, crewEvent: DetailOf<'EventCreated'> | undefined): string[] {
  const key = cloud.secrets['charter/local/magic-link-key'];
  if (!crewEvent || !key) return ['  crew pages     (no crew event: see .local/logs/charter-scc.log)'];
  const expiresAt = crewTokenExpiry(crewEvent);
  // Links expire a day after the charter: a sample from the past prints links that will say so.
  const expired = expiresAt * 1000 < Date.now() ? `, expired: the charter was on ${crewEvent.charter_date}` : '';
  return crewEvent.crew.map((member) => {
    const token = mintCrewToken(key, { eventId: crewEvent.event_id, memberId: member.member_id, expiresAt });
    const url = crewPageUrl(cloud.endpoints.api, crewEvent.event_id, token);
    return `  crew page      ${url}  (${member.name}, ${member.role}${expired})`;
  });
}
