import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BookingCreatedInput } from '@charter/events';
import { crewPageUrl, crewTokenExpiry, mintCrewToken, verifyCrewToken } from '@charter/shared/magic-link';
import type { Page } from 'playwright-core';
import { marinaDate } from '@charter/local/fixtures';
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { SCREENSHOTS, dateAsWritten, launchPhone, type Phone } from '../support/browser';
import { eventsOf } from '../support/e2e';

/**
 * The crew page as the mate's phone meets it: a BookingCreated on the bus becomes a crew event in
 * the running SCC service, the mate opens their magic link in Debian's headless Chromium, sees the
 * charter without a single amount of money, presses Confirm (a plain form post, 303 back to the
 * page) and sees themselves confirmed; pressing Confirm again from a tab still open on the old
 * page keeps the first confirmation. A tampered link and a link for another event get a 401 page.
 * The deckhand presses "I can't make it", gives a reason and sees the decline after a reload; then
 * the booking is cancelled on the bus and the page says so, with nothing left to press.
 */

const TIMEOUT = 120_000;
const MAGIC_LINK_KEY = 'charter/local/magic-link-key';
const SERVICE_KEY = 'charter/local/scc-service-key';
/** The local stage's default roster (services/scc/serverless.yml): captain, mate, deckhand. */
const MATE = 'isla-moreno';
const CAPTAIN = 'rowan-hale';
const DECKHAND = 'theo-park';

const sample = JSON.parse(
  readFileSync(join(__dirname, '../../events/samples/direct-2027-sunset.json'), 'utf8'),
) as BookingCreatedInput;

/** The booking the mate crews: the direct sample a month out, with money in the notes and the revenue field. */
const booking = {
  ...sample,
  booking_id: 'dir-crew-page-sunset',
  charter_date: marinaDate(30),
  revenue_cents: 98000,
  notes: 'Sunset sail. Revenue: $980.00, paid in full. One guest uses a wheelchair; board from the dock ramp.',
};
/** Another booking, so there is a real second event whose genuine link must not open the first. */
const other = {
  ...sample,
  booking_id: 'dir-crew-page-other',
  charter_date: marinaDate(31),
  notes: 'Private dinner cruise.',
};

/** The last signature characters changed, so the signed bytes differ (the last base64url char carries padding bits). */
function tamper(token: string): string {
  const tail = token.slice(-3).replace(/./g, (c) => (c === 'A' ? 'B' : 'A'));
  return token.slice(0, -3) + tail;
}

interface EventView {
  event_id: string;
  booking_id: string;
  crew: Array<{ member_id: string; role: string; confirmed_at: string | null; declined_at: string | null }>;
  [field: string]: unknown;
}

describe('the crew page in headless Chromium against the local cloud', () => {
  let cloud: LocalCloud;
  let phone: Phone;
  let eventId: string;
  let otherEventId: string;
  let mateUrl: string;
  let mateToken: string;
  let mateEmail: string;
  let otherMateToken: string;
  /** A second tab the mate opened on the page before confirming in the first. */
  let staleTab: Page;
  let firstConfirmedAt: string;
  let deckhandUrl: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['scc'], run: true });
    await publishBookings([booking, other]);
    await cloud.idle();

    const created = (bookingId: string) => {
      const [envelope] = eventsOf(cloud, 'EventCreated', bookingId);
      if (!envelope) throw new Error(`no EventCreated for ${bookingId}; see the logs in ${cloud.stateDir}/logs`);
      return envelope.detail;
    };
    const detail = created(booking.booking_id);
    const otherDetail = created(other.booking_id);
    eventId = detail.event_id;
    otherEventId = otherDetail.event_id;

    const key = cloud.secrets[MAGIC_LINK_KEY]!;
    const emailOf = (memberId: string) => detail.crew.find((m) => m.member_id === memberId)!.email;
    mateEmail = emailOf(MATE);
    mateToken = mintCrewToken(key, { eventId, memberId: MATE, email: mateEmail, expiresAt: crewTokenExpiry(detail) });
    otherMateToken = mintCrewToken(key, {
      eventId: otherEventId,
      memberId: MATE,
      email: mateEmail,
      expiresAt: crewTokenExpiry(otherDetail),
    });
    mateUrl = crewPageUrl(cloud.endpoints.api, eventId, mateToken);
    const deckhandToken = mintCrewToken(key, {
      eventId,
      memberId: DECKHAND,
      email: emailOf(DECKHAND),
      expiresAt: crewTokenExpiry(detail),
    });
    deckhandUrl = crewPageUrl(cloud.endpoints.api, eventId, deckhandToken);

    phone = await launchPhone();
  }, TIMEOUT);

  afterAll(async () => {
    await phone?.close();
    await cloud?.stop();
  }, TIMEOUT);

  const open = (name: string, url: string) => phone.open(name, url);

  /** The operator's view of the event (GET /events/{event_id} with the service key). */
  async function operatorView(id: string): Promise<EventView> {
    const response = await fetch(`${cloud.endpoints.api}/events/${encodeURIComponent(id)}`, {
      headers: { 'X-Service-Key': cloud.secrets[SERVICE_KEY]!, Accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as EventView;
  }

  const confirmedAtOf = (view: EventView, memberId: string) =>
    view.crew.find((m) => m.member_id === memberId)?.confirmed_at;
  const row = (page: Page, memberId: string) => page.locator(`#crew li[data-member-id="${memberId}"]`);

  it(
    'shows the mate the charter, the crew and that they have not confirmed yet, and no money anywhere',
    async () => {
      const { page, response } = await open('before', mateUrl);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toMatch(/^text\/html/);
      expect(response.headers()['content-security-policy']).toContain("default-src 'none'");
      const date = dateAsWritten(booking.charter_date);

      await expect(page.title()).resolves.toBe(`JADA · ${date} · Crew`);
      expect(await page.locator('h1').innerText()).toBe('JADA');
      const header = await page.locator('section.card').first().innerText();
      expect(header).toContain(date);
      expect(header).toMatch(/6:30\sPM\s–\s9:00\sPM\sP[DS]T/);
      expect(header).toContain('2 hours 30 minutes');
      const details = await page.locator('dl').innerText();
      expect(details).toContain('Shelter Island, San Diego');
      expect(await page.locator('#guest-count').innerText()).toBe('6');
      // The money clause is gone from the notes; what crew need to know stays.
      const notes = await page.locator('#notes').innerText();
      expect(notes).toContain('Sunset sail.');
      expect(notes).toContain('One guest uses a wheelchair; board from the dock ramp.');

      const crew = await page.locator('#crew li').evaluateAll((items) =>
        items.map((li) => ({
          id: li.getAttribute('data-member-id'),
          confirmed: li.getAttribute('data-confirmed'),
          text: (li as HTMLElement).innerText,
        })),
      );
      expect(crew.map((c) => c.id)).toEqual([CAPTAIN, MATE, DECKHAND]);
      expect(crew.every((c) => c.confirmed === 'false')).toBe(true);
      expect(crew[0]!.text).toMatch(/Rowan Hale[\s\S]*captain[\s\S]*Not confirmed yet/);
      expect(crew[1]!.text).toMatch(/Isla Moreno \(you\)[\s\S]*mate[\s\S]*Not confirmed yet/);
      expect(crew[2]!.text).toMatch(/Theo Park[\s\S]*deckhand[\s\S]*Not confirmed yet/);
      expect(await row(page, MATE).getAttribute('data-confirmed')).toBe('false');

      await expect(page.locator('#confirm').isVisible()).resolves.toBe(true);
      expect(await page.locator('#confirm').innerText()).toBe("Confirm I'll be there");
      expect(await page.locator('#your-confirmation h2').innerText()).toBe('Isla Moreno, are you on board?');
      expect(await page.locator('#confirmed').count()).toBe(0);

      // Crew never see money: not the revenue, not the notes' amount, not a currency, not the guest's contact.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/980|\$|USD|revenue|paid|marco|example\.org/i);
      const markup = await page.content();
      expect(markup).not.toMatch(/980|revenue|marco@/i);

      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page.png'), fullPage: true });
      // The mate also has the link open in a second tab, still showing the Confirm button.
      staleTab = (await open('stale', mateUrl)).page;
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'confirms the mate with the Confirm button, and the page says so after a reload',
    async () => {
      const { page } = await open('confirm', mateUrl);
      const [posted, followed] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url() === `${cloud.endpoints.api}/crew/${eventId}/confirm`,
        ),
        page.waitForResponse(
          (r) => r.request().method() === 'GET' && r.request().redirectedFrom()?.method() === 'POST',
        ),
        page.locator('#confirm').click(),
      ]);
      // The form post is answered 303 and the browser follows it back to the page with a GET.
      expect(posted.status()).toBe(303);
      expect(posted.request().postData()).toBe(`token=${mateToken}`);
      expect(followed.status()).toBe(200);
      expect(followed.url()).toBe(mateUrl);
      await page.locator('#confirmed').waitFor({ state: 'visible' });
      expect(page.url()).toBe(mateUrl);

      await page.reload({ waitUntil: 'load' });
      const mate = row(page, MATE);
      expect(await mate.getAttribute('data-confirmed')).toBe('true');
      expect(await mate.innerText()).toMatch(
        /Isla Moreno \(you\)[\s\S]*Confirmed [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s[AP]M/,
      );
      expect(await row(page, CAPTAIN).getAttribute('data-confirmed')).toBe('false');
      expect(await row(page, DECKHAND).getAttribute('data-confirmed')).toBe('false');
      expect(await page.locator('#your-confirmation h2').innerText()).toBe('Thanks, Isla Moreno');
      expect(await page.locator('#confirmed').innerText()).toMatch(/^You confirmed on .+\. See you on board\.$/);
      expect(await page.locator('#confirm').count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toMatch(/980|\$/);

      const view = await operatorView(eventId);
      firstConfirmedAt = confirmedAtOf(view, MATE)!;
      expect(firstConfirmedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(confirmedAtOf(view, CAPTAIN)).toBeNull();
      expect(confirmedAtOf(view, DECKHAND)).toBeNull();

      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page-confirmed.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'keeps the first confirmation when Confirm is pressed again from a tab opened before',
    async () => {
      expect(await staleTab.locator('#confirm').isVisible()).toBe(true);
      const [posted, followed] = await Promise.all([
        staleTab.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url() === `${cloud.endpoints.api}/crew/${eventId}/confirm`,
        ),
        staleTab.waitForResponse(
          (r) => r.request().method() === 'GET' && r.request().redirectedFrom()?.method() === 'POST',
        ),
        staleTab.locator('#confirm').click(),
      ]);
      expect(posted.status()).toBe(303);
      expect(followed.status()).toBe(200);
      await staleTab.locator('#confirmed').waitFor({ state: 'visible' });
      expect(staleTab.url()).toBe(mateUrl);
      expect(await row(staleTab, MATE).getAttribute('data-confirmed')).toBe('true');
      expect(await staleTab.locator('#confirm').count()).toBe(0);

      const view = await operatorView(eventId);
      expect(view.crew.filter((m) => m.confirmed_at !== null).map((m) => m.member_id)).toEqual([MATE]);
      expect(confirmedAtOf(view, MATE)).toBe(firstConfirmedAt);
      await staleTab.close();
    },
    TIMEOUT,
  );

  it(
    'answers a tampered link with a 401 page that says the link is not valid',
    async () => {
      const tampered = tamper(mateToken);
      expect(tampered).not.toBe(mateToken);
      expect(verifyCrewToken([cloud.secrets[MAGIC_LINK_KEY]!], { eventId, email: mateEmail }, tampered)).toEqual({
        ok: false,
        reason: 'invalid',
      });

      const { page, response } = await open('tampered', crewPageUrl(cloud.endpoints.api, eventId, tampered));
      expect(response.status()).toBe(401);
      expect(response.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.locator('#error').getAttribute('data-status')).toBe('401');
      expect(await page.locator('h1').innerText()).toBe('This crew link does not work');
      const text = await page.locator('body').innerText();
      expect(text).toContain('The link is not valid for this crew event.');
      expect(text).toContain('Ask the captain to send you a fresh link.');
      // Nothing about the event leaks to a wrong link.
      expect(text).not.toMatch(/JADA|Shelter Island|Isla|Rowan|Theo/);
      expect(await page.locator('#confirm').count()).toBe(0);

      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page-invalid.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it(
    "answers the mate's genuine link for another event, opened on this event, with a 401 page",
    async () => {
      // The token is good for its own event...
      const own = await open('other-own', crewPageUrl(cloud.endpoints.api, otherEventId, otherMateToken));
      expect(own.response.status()).toBe(200);
      expect(await own.page.locator('#notes').innerText()).toBe('Private dinner cruise.');
      await own.page.close();

      // ...and opens nothing on this one.
      const { page, response } = await open('other-event', crewPageUrl(cloud.endpoints.api, eventId, otherMateToken));
      expect(response.status()).toBe(401);
      expect(response.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.locator('#error').getAttribute('data-status')).toBe('401');
      const text = await page.locator('body').innerText();
      expect(text).toContain('This crew link does not work');
      expect(text).toContain('The link is not valid for this crew event.');
      expect(text).not.toMatch(/JADA|Shelter Island|Isla/);
      await page.close();

      // Neither refused link confirmed anything.
      expect(confirmedAtOf(await operatorView(eventId), MATE)).toBe(firstConfirmedAt);
      expect(confirmedAtOf(await operatorView(otherEventId), MATE)).toBeNull();
    },
    TIMEOUT,
  );

  it(
    "lets the deckhand say they can't make it, with a reason, and shows the decline after a reload",
    async () => {
      const { page } = await open('decline', deckhandUrl);
      // The reason box is folded away until "I can't make it" is pressed: no script, a <details>.
      expect(await page.locator('#decline').innerText()).toBe("I can't make it");
      expect(await page.locator('#decline-reason').isVisible()).toBe(false);
      await page.locator('#decline').click();
      await page.locator('#decline-reason').waitFor({ state: 'visible' });
      expect(await page.locator('#confirm').isVisible()).toBe(true);
      await page.locator('#decline-reason').fill('My daughter has her school recital that evening. Sorry!');
      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page-decline-form.png'), fullPage: true });

      const [posted, followed] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url() === `${cloud.endpoints.api}/crew/${eventId}/decline`,
        ),
        page.waitForResponse(
          (r) => r.request().method() === 'GET' && r.request().redirectedFrom()?.method() === 'POST',
        ),
        page.locator('#send-decline').click(),
      ]);
      expect(posted.status()).toBe(303);
      expect(posted.request().postData()).toContain('reason=My+daughter');
      expect(followed.url()).toBe(deckhandUrl);
      await page.locator('#declined').waitFor({ state: 'visible' });
      await page.reload({ waitUntil: 'load' });
      expect(await page.locator('#your-confirmation').getAttribute('data-answer')).toBe('declined');
      expect(await page.locator('#your-confirmation h2').innerText()).toBe('Thanks for telling us, Theo Park');
      expect(await page.locator('#declined').innerText()).toMatch(
        /^You said you can't make it \([A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s[AP]M\)\. The captain has been told\.$/,
      );
      expect(await page.locator('#your-reason').innerText()).toBe(
        'My daughter has her school recital that evening. Sorry!',
      );
      expect(await row(page, DECKHAND).getAttribute('data-answer')).toBe('declined');
      expect(await row(page, DECKHAND).innerText()).toContain("Can't make it");
      expect(await row(page, MATE).getAttribute('data-answer')).toBe('confirmed');
      // Changing one's mind stays possible: Confirm is offered again, the decline form is gone.
      expect(await page.locator('#confirm').innerText()).toBe('I can make it after all');
      expect(await page.locator('#decline-form').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page-declined.png'), fullPage: true });

      const view = await operatorView(eventId);
      const deckhand = view.crew.find((m) => m.member_id === DECKHAND)!;
      expect(deckhand.confirmed_at).toBeNull();
      expect(deckhand.declined_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const [declined] = eventsOf(cloud, 'CrewDeclined', booking.booking_id);
      expect(declined?.detail).toMatchObject({
        member_id: DECKHAND,
        reason: 'My daughter has her school recital that evening. Sorry!',
      });
      // The mate, reading the crew list, sees the deckhand can't make it, but not why.
      const mate = (await open('mate-sees-decline', mateUrl)).page;
      expect(await row(mate, DECKHAND).innerText()).toContain("Can't make it");
      expect(await mate.locator('body').innerText()).not.toContain('recital');
      await mate.close();
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'says the charter was cancelled once the booking is cancelled on the bus, with nothing left to press',
    async () => {
      const bus = new EventBridgeClient({});
      const result = await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'charter-bookings-local',
              Source: `partner.${booking.source}`,
              DetailType: 'BookingCancelled',
              Detail: JSON.stringify({
                schema_version: 1,
                booking_id: booking.booking_id,
                source: booking.source,
                revision: 2,
                cancelled_at: new Date().toISOString(),
                cancelled_by: 'weather',
                reason: 'Small craft advisory for the bay; the guests were refunded $980.00.',
              }),
            },
          ],
        }),
      );
      bus.destroy();
      expect(result.FailedEntryCount ?? 0).toBe(0);
      await cloud.idle();
      expect(eventsOf(cloud, 'EventCancelled', booking.booking_id)).toHaveLength(1);

      const { page, response } = await open('cancelled', mateUrl);
      expect(response.status()).toBe(200);
      await expect(page.title()).resolves.toMatch(/^Cancelled: JADA · /);
      const card = page.locator('#cancelled');
      expect(await card.locator('h2').innerText()).toBe('This charter was cancelled');
      expect(await page.locator('#cancelled-when').innerText()).toMatch(
        /^Cancelled on [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s[AP]M because of the weather\.$/,
      );
      expect(await page.locator('#cancel-reason').innerText()).toBe('Small craft advisory for the bay.');
      for (const gone of ['#confirm', '#decline', '#your-confirmation', '#crew .status'])
        expect(await page.locator(gone).count()).toBe(0);
      // The charter it was is still there to recognise, and no money.
      expect(await page.locator('h1').innerText()).toBe('JADA');
      expect(await page.locator('body').innerText()).not.toMatch(/980|\$|refund/i);
      await page.screenshot({ path: join(SCREENSHOTS, 'crew-page-cancelled.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it('talked only to the API, without script or CSP errors', () => {
    const network = phone.requests.filter((r) => !r.url.startsWith('data:'));
    expect(network.filter((r) => new URL(r.url).origin !== cloud.endpoints.api)).toEqual([]);
    // The check above saw the traffic it is about: the pages and both Confirm posts.
    expect(network.filter((r) => r.method === 'POST').map((r) => r.page)).toEqual(['confirm', 'stale', 'decline']);
    expect(network.some((r) => r.page === 'before' && r.method === 'GET')).toBe(true);
    // The only console lines are Chromium reporting the two 401s the test provoked.
    expect(phone.problems).toEqual([
      'tampered: console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      'other-event: console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
  });
});
