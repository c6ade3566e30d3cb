import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import type { LocalCloud } from './cloud';
import { CREDENTIALS, REGION } from './cloud';

/** Publishes bookings as a partner would, with the real SDK, then waits for every consumer to settle. */
export async function publishSamples(
  cloud: LocalCloud,
  bookings: Array<{ booking_id: string; source: string }>,
): Promise<string[]> {
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
  const events = cloud.published();
  const of = (type: string, id: string) =>
    events.filter((e) => e['detail-type'] === type && e.detail.booking_id === id).at(-1)?.detail;
  const key = cloud.secrets[`charter/local/magic-link-key`];
  const lines: string[] = [];
  for (const id of bookingIds) {
    lines.push(`booking ${id}`);
    const page = of('GuestPagePublished', id);
    lines.push(`  guest page     ${page ? page.url : '(not published: see .local/logs/charter-guest-pages.log)'}`);
    const crewEvent = of('EventCreated', id);
    if (crewEvent && key) {
      const expiresAt = crewTokenExpiry(crewEvent);
      // Links expire a day after the charter: a sample from the past prints links that will say so.
      const expired = expiresAt * 1000 < Date.now() ? `, expired: the charter was on ${crewEvent.charter_date}` : '';
      for (const member of crewEvent.crew as Array<{ member_id: string; name: string; role: string }>) {
        const token = mintCrewToken(key, { eventId: crewEvent.event_id, memberId: member.member_id, expiresAt });
        lines.push(
          `  crew page      ${crewPageUrl(cloud.endpoints.api, crewEvent.event_id, token)}  (${member.name}, ${member.role}${expired})`,
        );
      }
    } else {
      lines.push('  crew pages     (no crew event: see .local/logs/charter-scc.log)');
    }
    const calendar = of('CalendarUpdated', id);
    lines.push(
      `  calendar JSON  ${calendar ? calendar.calendar_url : '(not updated: see .local/logs/charter-calendar.log)'}`,
    );
    const notified = of('CrewNotified', id);
    lines.push(
      `  crew email     ${notified ? `${notified.recipients.length} sent` : '(not sent yet: see .local/logs/charter-notifications.log)'}`,
    );
  }
  lines.push('', `mail viewer      ${cloud.endpoints.ses}/   (every crew email; JSON at ${cloud.endpoints.ses}/store)`);
  return lines.join('\n');
}
