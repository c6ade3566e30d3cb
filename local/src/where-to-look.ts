import type { DetailOf, DetailType } from '@charter/events';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import type { LocalCloud } from './cloud/start';

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
    const token = mintCrewToken(key, {
      eventId: crewEvent.event_id,
      memberId: member.member_id,
      email: member.email,
      expiresAt,
    });
    const url = crewPageUrl(cloud.endpoints.api, crewEvent.event_id, token);
    return `  crew page      ${url}  (${member.name}, ${member.role}${expired})`;
  });
}
