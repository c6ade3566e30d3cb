import { randomBytes } from 'node:crypto';

/**
 * 16 random bytes = 128 bits, above the 96 the contract asks for: the slug is the only thing
 * between the internet and a guest's page, so guessing one must be hopeless. base64url keeps
 * it URL-safe and 22 characters long, inside the contract's `Slug` (16-64, `@charter/events`).
 */
export const SLUG_BYTES = 16;

export function newSlug(random: (size: number) => Buffer = randomBytes): string {
  return random(SLUG_BYTES).toString('base64url');
}

/** The page object in the site bucket; CloudFront's rewrite maps /g/<slug> onto it. */
export const pageKey = (slug: string) => `g/${slug}.html`;

/** The link a guest is sent: the site's base URL (no trailing slash) plus /g/<slug>. */
export const guestPageUrl = (siteUrl: string, slug: string) => `${siteUrl.replace(/\/+$/, '')}/g/${slug}`;
