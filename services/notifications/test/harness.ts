import { CrewNotified, eventCatalog, type DetailType } from '@charter/events';
import {
  busEnvelope,
  lambdaContext as contextFor,
  mailbox,
  scheduledEvent as scheduledRuleEvent,
  type LocalCloud,
  type StoredEmail,
} from '@charter/local/testing';
import { COPY_PREFIX } from '../src/domain/notice-email';
import { checkInvite, type CheckedInvite } from './invite-check';

/** An EventBridge envelope as Lambda receives it from a rule, from the detail type's source in the catalog. */
export const busEvent = (detailType: DetailType, detail: unknown) =>
  busEnvelope(detailType, detail, eventCatalog[detailType].source);

/** The checkStalls schedule's event for the given tick. */
export const scheduledEvent = (time: Date) =>
  scheduledRuleEvent('charter-notifications-local-checkStalls-schedule-1', time);

/** A Lambda context for this service's functions, with their 30 s timeout. */
export const lambdaContext = (functionName = 'charter-notifications-local-onSuccessEvent') =>
  contextFor(functionName, 30_000);

/** A message as aws-ses-v2-local keeps it, with the attachments it also records (Simple content's `Attachments`). */
export type StoredNotice = StoredEmail & {
  attachments?: Array<{ filename: string; contentType: string; content: string }>;
};

/** A captain's copy of a member's notice (its own message, no invite): its subject is marked. */
export const isCaptainCopy = (m: StoredEmail) => m.subject.startsWith(`${COPY_PREFIX} `);

/** Every message of one booking the local SES accepted (each subject names the booking), oldest first. */
export async function allMailFor(cloud: LocalCloud, bookingId: string): Promise<StoredNotice[]> {
  return ((await mailbox(cloud.endpoints.ses)) as StoredNotice[]).filter((m) => m.subject.includes(bookingId));
}

/** The messages of one booking but the captain's copies, oldest first: the crew's own notices, declines, alerts. */
export const mailFor = async (cloud: LocalCloud, bookingId: string) =>
  (await allMailFor(cloud, bookingId)).filter((m) => !isCaptainCopy(m));

/** The captain's copies of the members' notices of one booking, oldest first. */
export const copiesFor = async (cloud: LocalCloud, bookingId: string) =>
  (await allMailFor(cloud, bookingId)).filter(isCaptainCopy);

/** The messages of one booking to one address, oldest first. */
export const mailTo = (all: StoredNotice[], address: string) => all.filter((m) => m.destination.to[0] === address);

/** The message's calendar invite, read by the strict parser and checked against its part's `method=`. */
export function inviteIn(email: StoredNotice): CheckedInvite {
  const parts = (email.attachments ?? []).filter((a) => a.filename === 'invite.ics');
  if (parts.length !== 1) throw new Error(`${email.subject}: ${parts.length} invite.ics parts`);
  const [part] = parts as [NonNullable<StoredNotice['attachments']>[number]];
  return checkInvite(Buffer.from(part.content, 'base64').toString('utf8'), part.contentType);
}

/** The CrewNotified events the bus received for a booking, their detail read by the contract. */
export const crewNotifiedOf = (cloud: LocalCloud, bookingId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'CrewNotified')
    .map((e) => ({ ...e, detail: CrewNotified.parse(e.detail) }))
    .filter((e) => e.detail.booking_id === bookingId);
