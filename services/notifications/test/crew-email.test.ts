import { crewPageUrl, crewTokenExpiry, mintCrewToken, verifyCrewToken } from '@charter/shared/magic-link';
import { renderCrewEmail } from '../src/domain/crew-email';
import type { OutgoingEmail } from '../src/domain/email';
import { renderDeliveryAlert, renderStallAlert } from '../src/domain/stall-email';
import { ROSTER, at, calendarUpdated, eventCreated, joinState, minutesAfter } from './fixtures';

const FROM = 'crew-desk@crew.example.com';
const KEY = 'k'.repeat(64);
const SCC = 'https://scc.example.com';
const event = eventCreated();

function emailFor(memberId: string, e = event): OutgoingEmail {
  const member = e.crew.find((m) => m.member_id === memberId)!;
  const token = mintCrewToken(KEY, { eventId: e.event_id, memberId, expiresAt: crewTokenExpiry(e) });
  return renderCrewEmail({ event: e, member, crewPageLink: crewPageUrl(SCC, e.event_id, token), from: FROM });
}

const linkIn = (text: string) => /https:\/\/scc\.example\.com\/crew\/[^\s"<]+/.exec(text)?.[0];

describe('the crew email', () => {
  const mate = emailFor('isla-moreno');

  it('goes from the configured sender to the member, with the captain in BCC and replies to the captain', () => {
    expect(mate).toMatchObject({
      from: FROM,
      to: 'mate@crew.example.com',
      bcc: ['captain@crew.example.com'],
      replyTo: ['captain@crew.example.com'],
    });
  });

  it("does not BCC the captain on the captain's own message", () => {
    expect(emailFor('rowan-hale')).toMatchObject({ to: 'captain@crew.example.com', bcc: [] });
  });

  it('has no BCC when the roster names no captain', () => {
    const noCaptain = eventCreated('xhqgmdh', { crew: [ROSTER[1]!, ROSTER[2]!] });
    expect(emailFor('theo-park', noCaptain).bcc).toEqual([]);
  });

  it('names the date and the vessel in the subject', () => {
    expect(mate.subject).toBe('Crew call: JADA, Thursday, May 30, 2024 (booking xhqgmdh)');
  });

  it.each(['text', 'html'] as const)(
    'gives the booking, date, time with zone, vessel, location and guest count in %s',
    (part) => {
      const body = mate[part];
      for (const fact of [
        'xhqgmdh',
        'Thursday, May 30, 2024',
        '10:00 AM – 1:00 PM PDT',
        'JADA',
        'Shelter Island, San Diego',
        '4 guests',
        'mate',
      ]) {
        expect(body).toContain(fact);
      }
    },
  );

  it("carries the member's own magic link, valid for this event and this member only", () => {
    const textLink = linkIn(mate.text)!;
    expect(mate.html).toContain(`href="${textLink}"`);
    const url = new URL(textLink);
    expect(url.pathname).toBe(`/crew/${event.event_id}`);
    const token = url.searchParams.get('token')!;
    expect(verifyCrewToken([KEY], event.event_id, token, minutesAfter(0))).toMatchObject({
      ok: true,
      memberId: 'isla-moreno',
    });
    expect(verifyCrewToken([KEY], 'evt_someotherevent', token, minutesAfter(0)).ok).toBe(false);
  });

  it('gives each member a different link', () => {
    const links = ROSTER.map((m) => linkIn(emailFor(m.member_id).text));
    expect(new Set(links).size).toBe(3);
  });

  it('escapes partner text in the HTML and keeps the subject on one line', () => {
    const hostile = eventCreated('xhqgmdh', {
      vessel: 'JADA <script>alert(1)</script>',
      location: 'Dock "A" & <b>B</b>\r\nBcc: attacker@evil.example',
    });
    const email = emailFor('isla-moreno', hostile);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('JADA &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Dock &quot;A&quot; &amp; &lt;b&gt;B&lt;/b&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('says nothing about money, even when the detail it is given carries some', () => {
    const withMoney = {
      ...event,
      revenue_cents: 145000,
      captain_fee_cents: 30000,
      currency: 'USD',
      notes: 'Revenue: $1,450.00',
    };
    const email = emailFor('isla-moreno', withMoney);
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toMatch(/\$|USD|1,?450|145000|30000|revenue|fee/i);
    }
  });
});

describe('the stall alerts', () => {
  it('names the missing calendar step and what is known of the charter', () => {
    const state = joinState({ crew_event: event, crew_event_at: at(0) });
    const alert = renderStallAlert({
      state,
      missing: 'calendar',
      since: at(0),
      now: minutesAfter(16),
      from: FROM,
      to: 'captain@crew.example.com',
    });
    expect(alert.subject).toBe('Booking xhqgmdh is stuck: the calendar entry was never confirmed');
    expect(alert.text).toContain('The crew event was created 16 minutes ago');
    expect(alert.html).toContain('JADA');
    expect(alert).toMatchObject({ from: FROM, to: 'captain@crew.example.com', bcc: [] });
  });

  it('names the missing crew event step', () => {
    const state = joinState({ calendar: calendarUpdated(), calendar_at: at(0) });
    const alert = renderStallAlert({
      state,
      missing: 'crew_event',
      since: at(0),
      now: minutesAfter(15),
      from: FROM,
      to: 'ops@crew.example.com',
    });
    expect(alert.subject).toBe('Booking xhqgmdh is stuck: the crew event (SCC) was never created');
    expect(alert.text).toContain(calendarUpdated().calendar_url);
  });

  it('lists each crew member whose email did not certainly go out, and why', () => {
    const state = joinState({ crew_event: event, crew_event_at: at(0) });
    const alert = renderDeliveryAlert({
      state,
      undelivered: [
        { member: ROSTER[1]!, status: 'claimed' },
        { member: ROSTER[2]!, status: 'rejected', reason: 'MessageRejected: <bad> address' },
      ],
      from: FROM,
      to: 'captain@crew.example.com',
    });
    expect(alert.subject).toBe('Booking xhqgmdh: the crew email did not reach 2 crew members');
    expect(alert.text).toContain('Isla Moreno <mate@crew.example.com> (mate): possibly sent');
    expect(alert.text).toContain(
      'Theo Park <deckhand@crew.example.com> (deckhand): ' +
        'not delivered: SES refused it (MessageRejected: <bad> address)',
    );
    expect(alert.html).toContain('MessageRejected: &lt;bad&gt; address');
  });
});
