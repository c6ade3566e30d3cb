import { publish } from '@charter/shared/publisher';
import { secrets } from '@charter/shared/secrets';
import { setting, uploadLimits } from './config';
import { headMoved, pageDecision, type GuestPageItem } from './domain/page-state';
import { renderGuestPage } from './domain/render';
import { guestPageUrl } from './domain/slug';
import { mintUploadToken } from './domain/upload-token';
import { findGuestPage, putGuestPage, recordPageStored, uploadsUrl } from './store';

/**
 * Rounds of render-put-check before giving up to Lambda's retry: each round means another delivery moved the head
 * between our put and our check (and that delivery renders too), so more than a few is a storm worth a retry.
 */
const MAX_ROUNDS = 5;

export type PagePublication =
  | {
      kind: 'published';
      slug: string;
      revision: number;
      status: 'live' | 'cancelled';
      pageBytes: number;
      rounds: number;
    }
  | { kind: 'tombstone' }
  | { kind: 'no_facts' };

/**
 * Renders the booking's page from its item as it stands, stores it at g/<slug>.html, and publishes GuestPagePublished
 * with the revision and status it shows. An S3 put cannot be conditional, so after it the item is read again: if its
 * revision or lifecycle moved meanwhile (a newer change landed while we rendered), the page is rendered and stored
 * again from the new head, until they agree; so a slow delivery of an older revision never leaves its page behind a
 * newer one. The same head always renders the same bytes, so repeating this (a redelivery) rewrites the same page.
 */
export async function publishPageFromHead(
  bookingId: string,
  applied?: GuestPageItem,
  { announce = true }: { announce?: boolean } = {},
): Promise<PagePublication> {
  const { current: uploadKey } = await secrets.versions(setting('UPLOAD_KEY_SECRET_NAME'));
  const uploadToken = mintUploadToken(uploadKey, bookingId);
  const settings = {
    apiUrl: setting('API_URL'),
    uploadsUrl: await uploadsUrl(),
    uploadToken,
    uploadLimits: uploadLimits(),
  };
  let head = applied ?? (await findGuestPage(bookingId));
  for (let round = 1; head; round++) {
    const decision = pageDecision(head);
    if (decision.kind !== 'render') return decision;
    const page = renderGuestPage(decision.view, settings);
    await putGuestPage(decision.slug, page);
    // Only now is there a page to link to (the operator's route answers from this).
    await recordPageStored(bookingId, decision.revision, decision.status);
    const after = await findGuestPage(bookingId);
    if (!headMoved(head, after)) {
      const { slug, revision, status } = decision;
      const url = guestPageUrl(setting('GUEST_SITE_URL'), slug);
      if (announce)
        await publish('GuestPagePublished', { schema_version: 1, booking_id: bookingId, revision, status, slug, url });
      return { kind: 'published', slug, revision, status, pageBytes: Buffer.byteLength(page), rounds: round };
    }
    if (round >= MAX_ROUNDS) throw new Error(`the page of ${bookingId} kept changing for ${round} rounds; retrying`);
    head = after;
  }
  throw new Error(`booking ${bookingId} has no item after a booking event was applied to it`);
}
