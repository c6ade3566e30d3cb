import { crewPageUrl, crewTokenExpiry, mintCrewToken, verifyCrewToken } from '@charter/shared/magic-link';
import { renderDeclineEmail } from '../src/domain/decline-email';
import type { OutgoingEmail } from '../src/domain/email';
import { inviteUid } from '../src/domain/invite';
import { captainOf, planNotices, type DueNotice } from '../src/domain/join';
import { captainCopyOf, renderCaptainCopy, renderNotice } from '../src/domain/notice-email';
import { fieldsOf, type JoinState } from '../src/domain/state';
import { renderDeliveryAlert, renderStallAlert } from '../src/domain/stall-email';
import {
  ROSTER,
  at,
  crewDeclined,
  eventCancelled,
  eventCreated,
  eventUpdated,
  joined,
  minutesAfter,
  toldRecord,
} from './fixtures';
import { checkInvite } from './invite-check';

const FROM = 'crew-desk@crew.example.com';
const KEY = 'k'.repeat(64);
const SCC = 'https://scc.example.com';
const NOW = new Date('2024-05-20T18:00:00Z');

const created = eventCreated();
const rescheduled = eventUpdated(created, { charter_date: '2024-05-31', charter_start: '11:00', guest_count: 6 });
const cancelled = eventCancelled(rescheduled, { reason: 'Small craft advisory <b>today</b>' });
const toldCall = (fields = fieldsOf(created)) =>
  Object.fromEntries(ROSTER.map((m) => [m.member_id, toldRecord(m, 'call', fields)]));
const toldChange = () =>
  Object.fromEntries(ROSTER.map((m) => [m.member_id, toldRecord(m, 'change', fieldsOf(rescheduled), 2)]));

/** Every notice the state calls for, rendered as the notifier sends it. */
function noticesOf(state: JoinState): Array<{ notice: DueNotice; email: OutgoingEmail }> {
  return planNotices(state).due.map((notice) => {
    const memberId = notice.member.member_id;
    const token = mintCrewToken(KEY, {
      eventId: notice.event_id,
      memberId,
      email: notice.member.email,
      expiresAt: crewTokenExpiry(notice.fields),
    });
    const crewPageLink = crewPageUrl(SCC, notice.event_id, token);
    const captain = captainOf(state.crew_event);
    return {
      notice,
      email: renderNotice({ bookingId: state.booking_id, notice, captain, crewPageLink, from: FROM, now: NOW }),
    };
  });
}
const emailTo = (state: JoinState, address: string) => noticesOf(state).find((n) => n.email.to === address)!.email;
const inviteOf = (email: OutgoingEmail) => {
  const [part] = email.attachments;
  expect(part?.fileName).toBe('invite.ics');
  return checkInvite(part!.content, part!.contentType);
};
const linkIn = (text: string) => /https:\/\/scc\.example\.com\/crew\/[^\s"<]+/.exec(text)?.[0];

const CONSOLE = 'https://ops.example.com/console';

describe('the crew call', () => {
  const state = joined(created);
  const mate = emailTo(state, 'mate@crew.example.com');

  it('goes from the configured sender to the member alone (no BCC), with replies to the captain', () => {
    expect(mate).toMatchObject({
      from: FROM,
      to: 'mate@crew.example.com',
      bcc: [],
      replyTo: ['captain@crew.example.com'],
    });
  });

  it("does not BCC the captain on the captain's own message, nor anyone when the roster names no captain", () => {
    expect(emailTo(state, 'captain@crew.example.com')).toMatchObject({ bcc: [], replyTo: [] });
    const noCaptain = joined(eventCreated('xhqgmdh', { crew: [ROSTER[1]!, ROSTER[2]!] }));
    expect(emailTo(noCaptain, 'deckhand@crew.example.com').bcc).toEqual([]);
  });

  it('names the vessel, the date and the booking in the subject', () => {
    expect(mate.subject).toBe('Crew call: JADA, Thursday, May 30, 2024 (booking xhqgmdh)');
  });

  it.each(['text', 'html'] as const)(
    'gives the booking, time with zone, vessel, place, guests and role in %s',
    (part) => {
      for (const fact of [
        'xhqgmdh',
        'Thursday, May 30, 2024',
        '10:00 AM – 1:00 PM PDT',
        'JADA',
        'Shelter Island, San Diego',
        '4 guests',
        'mate',
      ]) {
        expect(mate[part]).toContain(fact);
      }
    },
  );

  it("carries the member's own magic link, valid for this event and this member only", () => {
    const textLink = linkIn(mate.text)!;
    expect(mate.html).toContain(`href="${textLink}"`);
    const token = new URL(textLink).searchParams.get('token')!;
    const sentTo = { eventId: created.event_id, email: 'mate@crew.example.com' };
    expect(verifyCrewToken([KEY], sentTo, token, minutesAfter(0))).toMatchObject({ ok: true, memberId: 'isla-moreno' });
    // Case and spaces around the address do not matter; another address or event does.
    expect(verifyCrewToken([KEY], { ...sentTo, email: ' Mate@Crew.Example.com ' }, token, minutesAfter(0)).ok).toBe(
      true,
    );
    expect(verifyCrewToken([KEY], { ...sentTo, eventId: 'evt_someotherevent' }, token, minutesAfter(0)).ok).toBe(false);
    expect(verifyCrewToken([KEY], { ...sentTo, email: 'old@crew.example.com' }, token, minutesAfter(0)).ok).toBe(false);
    expect(new Set(noticesOf(state).map((n) => linkIn(n.email.text))).size).toBe(3);
  });

  it('carries an invite that adds the charter to the member calendar at the marina time', () => {
    const invite = inviteOf(mate);
    expect(invite).toMatchObject({
      method: 'REQUEST',
      uid: `${created.event_id}@crew.example.com`,
      sequence: 0,
      tzid: 'America/Los_Angeles',
      start: '2024-05-30T17:00:00.000Z',
      end: '2024-05-30T20:00:00.000Z',
      organizer: FROM,
      attendees: ['mate@crew.example.com'],
      status: 'CONFIRMED',
      location: 'Shelter Island, San Diego',
      dtstamp: '2024-05-20T18:00:00Z',
    });
    expect(invite.description).toContain(linkIn(mate.text));
    expect(mate.attachments[0]!.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST');
  });

  it('writes the same invite whatever the time zone of the machine', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(inviteOf(emailTo(state, 'mate@crew.example.com'))).toMatchObject({
        start: '2024-05-30T17:00:00.000Z',
        dtstamp: '2024-05-20T18:00:00Z',
      });
    } finally {
      process.env.TZ = saved;
    }
  });

  it('uses the charter own zone, with its VTIMEZONE, for a marina elsewhere', () => {
    const miami = joined(eventCreated('xhqgmdh', { timezone: 'America/New_York', charter_date: '2024-12-30' }));
    expect(inviteOf(emailTo(miami, 'mate@crew.example.com'))).toMatchObject({
      tzid: 'America/New_York',
      start: '2024-12-30T15:00:00.000Z',
    });
  });

  it('escapes partner text in the HTML, keeps the subject on one line and the invite parseable', () => {
    const hostile = joined(
      eventCreated('xhqgmdh', {
        vessel: 'JADA <script>alert(1)</script>',
        location: 'Dock "A"; Muelle Niño, & <b>B</b>\r\nBcc: attacker@evil.example',
      }),
    );
    const email = emailTo(hostile, 'mate@crew.example.com');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('JADA &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Dock &quot;A&quot;; Muelle Niño, &amp; &lt;b&gt;B&lt;/b&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
    // The line break stays inside the LOCATION value (escaped), never a line of its own.
    expect(inviteOf(email).location).toMatch(/^Dock "A"; Muelle Niño, & <b>B<\/b>\r?\nBcc: attacker@evil\.example$/);
    expect(email.attachments[0]!.content).not.toMatch(/\r\nBcc/);
  });

  it('says nothing about money, even when the detail it is given carries some', () => {
    const withMoney = {
      ...created,
      revenue_cents: 145000,
      captain_fee_cents: 30000,
      currency: 'USD',
      notes: 'Revenue: $1,450.00',
    };
    const email = emailTo(joined(withMoney), 'mate@crew.example.com');
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toMatch(/\$|USD|1,?450|145000|30000|revenue|fee/i);
    }
    // The invite's times (T130000) would match a bare 30000.
    expect(email.attachments[0]!.content).not.toMatch(/\$|USD|1,?450|145000|revenue|\bfee\b/i);
  });
});

describe('the change', () => {
  const mate = emailTo(joined(rescheduled, toldCall()), 'mate@crew.example.com');

  it('starts its subject with "Changed:" and names what changed', () => {
    expect(mate.subject).toBe('Changed: date, start and guests – JADA, Friday, May 31, 2024 (booking xhqgmdh)');
  });

  it('says old -> new for each changed field, from what the member was told', () => {
    expect(mate.text).toContain('- Date: Thursday, May 30, 2024 -> Friday, May 31, 2024');
    expect(mate.text).toContain('- Start: 10:00 AM -> 11:00 AM');
    expect(mate.text).toContain('- Guests: 4 guests -> 6 guests');
    expect(mate.text).not.toContain('End:');
    expect(mate.html).toContain(
      '<s style="color: #777">Thursday, May 30, 2024</s> → <strong>Friday, May 31, 2024</strong>',
    );
    expect(mate.text).toContain('confirm the new plan');
  });

  it('carries an invite that moves the same event: same UID, higher SEQUENCE, the new time', () => {
    expect(inviteOf(mate)).toMatchObject({
      method: 'REQUEST',
      uid: `${created.event_id}@crew.example.com`,
      sequence: 1,
      start: '2024-05-31T18:00:00.000Z',
      end: '2024-05-31T20:00:00.000Z',
    });
  });

  it('does not ask to confirm again when only the guest count changed', () => {
    const more = eventUpdated(created, { guest_count: 8 });
    const email = emailTo(joined(more, toldCall()), 'mate@crew.example.com');
    expect(email.subject).toMatch(/^Changed: guests – /);
    expect(email.text).not.toContain('confirm the new plan');
  });
});

describe('the cancellation', () => {
  const mate = emailTo(joined(cancelled, toldChange()), 'mate@crew.example.com');

  it('starts its subject with "Cancelled:" and gives the reason, escaped', () => {
    expect(mate.subject).toBe('Cancelled: JADA, Friday, May 31, 2024 (booking xhqgmdh)');
    expect(mate.text).toContain('Reason given: Small craft advisory <b>today</b>');
    expect(mate.html).toContain('Reason given: Small craft advisory &lt;b&gt;today&lt;/b&gt;');
    expect(mate.bcc).toEqual([]);
  });

  it('carries an invite that cancels the same event: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE higher still', () => {
    expect(inviteOf(mate)).toMatchObject({
      method: 'CANCEL',
      status: 'CANCELLED',
      uid: `${created.event_id}@crew.example.com`,
      sequence: 2,
      start: '2024-05-31T18:00:00.000Z',
    });
    expect(mate.attachments[0]!.contentType).toBe('text/calendar; charset=UTF-8; method=CANCEL');
  });
});

describe('the removal', () => {
  const patched = eventUpdated(created, { cause: 'crew', crew: [ROSTER[0]!, ROSTER[1]!] });
  const deckhand = emailTo(joined(patched, toldCall()), 'deckhand@crew.example.com');

  it('starts its subject with "Off the crew:", goes to the member alone and cancels the invite', () => {
    expect(deckhand.subject).toBe('Off the crew: JADA, Thursday, May 30, 2024 (booking xhqgmdh)');
    expect(deckhand.bcc).toEqual([]);
    expect(inviteOf(deckhand)).toMatchObject({
      method: 'CANCEL',
      status: 'CANCELLED',
      sequence: 1,
      attendees: ['deckhand@crew.example.com'],
    });
    expect(linkIn(deckhand.text)).toBeDefined();
  });
});

describe("the captain's copy of a member's notice", () => {
  const copiesOf = (state: JoinState) =>
    noticesOf(state).flatMap(({ notice }) => {
      const copy = captainCopyOf(notice, captainOf(state.crew_event));
      return copy
        ? [
            {
              notice,
              copy: renderCaptainCopy({ bookingId: state.booking_id, member: notice.member, copy, from: FROM }),
            },
          ]
        : [];
    });
  const patched = eventUpdated(created, { cause: 'crew', crew: [ROSTER[0]!, ROSTER[1]!] });
  const states = {
    call: joined(created),
    change: joined(rescheduled, toldCall()),
    cancel: joined(cancelled, toldChange()),
    removal: joined(patched, toldCall()),
  };

  it.each(Object.entries(states))(
    'is its own message to the captain for a %s: no invite, no BCC, subject marked as a copy',
    (kind, state) => {
      const copies = copiesOf(state);
      expect(copies.length).toBeGreaterThan(0);
      for (const { notice, copy } of copies) {
        expect(notice.kind).toBe(kind);
        expect(copy).toMatchObject({ to: 'captain@crew.example.com', bcc: [], attachments: [] });
        const own = renderNotice({
          bookingId: state.booking_id,
          notice,
          captain: captainOf(state.crew_event),
          crewPageLink: 'https://scc.example.com/crew/evt?token=t',
          from: FROM,
          now: NOW,
        });
        expect(copy.subject).toBe(`Copy: ${own.subject}`);
        expect(copy.text).toContain(`notice sent to ${notice.member.name} <${notice.member.email}>`);
      }
    },
  );

  it("leaves out the member's crew-page link, so the captain cannot confirm or decline as them", () => {
    for (const state of Object.values(states)) {
      for (const { copy } of copiesOf(state)) {
        expect(linkIn(copy.text)).toBeUndefined();
        expect(copy.html).not.toContain('/crew/');
        expect(copy.text).not.toContain('invite.ics');
      }
    }
  });

  it('shows what the member was told: old -> new for a change, the reason for a cancellation', () => {
    const [change] = copiesOf(states.change);
    expect(change!.copy.text).toContain('What changed:');
    expect(change!.copy.text).toMatch(/Date: Thursday, May 30, 2024 -> Friday, May 31, 2024/);
    const [cancel] = copiesOf(states.cancel);
    expect(cancel!.copy.html).toContain('Reason given: Small craft advisory &lt;b&gt;today&lt;/b&gt;');
  });

  it("is not made of the captain's own notice, which keeps its invite, nor when the crew has no captain", () => {
    const state = joined(created);
    const own = noticesOf(state).find((n) => n.email.to === 'captain@crew.example.com')!;
    expect(captainCopyOf(own.notice, captainOf(state.crew_event))).toBeUndefined();
    expect(inviteOf(own.email).method).toBe('REQUEST');
    const noCaptain = joined(eventCreated('xhqgmdh', { crew: [ROSTER[1]!, ROSTER[2]!] }));
    expect(copiesOf(noCaptain)).toEqual([]);
  });
});

describe('the invite UID', () => {
  it('is the crew event id at the sender domain, the same for every member and every notice', () => {
    expect(inviteUid('evt_abc12345', 'crew-desk@crew.example.com')).toBe('evt_abc12345@crew.example.com');
    const uids = [joined(created), joined(rescheduled, toldCall()), joined(cancelled, toldChange())]
      .flatMap((state) => noticesOf(state))
      .map(({ email }) => inviteOf(email).uid);
    expect(new Set(uids)).toEqual(new Set([`${created.event_id}@crew.example.com`]));
  });
});

describe("the captain's email about a decline", () => {
  const operator = () => 'ops@crew.example.com';
  const state = joined(created, toldCall());

  it('names who and why, and goes to the captain with replies to the member', () => {
    const decline = { ...crewDeclined('xhqgmdh', 'isla-moreno', 'Sick <kid> at home'), told: undefined };
    const email = renderDeclineEmail({ state, decline, from: FROM, operatorAddress: operator });
    expect(email).toMatchObject({ to: 'captain@crew.example.com', replyTo: ['mate@crew.example.com'], bcc: [] });
    expect(email.subject).toBe("Can't make it: Isla Moreno (mate), JADA, Thursday, May 30, 2024 (booking xhqgmdh)");
    expect(email.text).toContain('Their reason: Sick <kid> at home');
    expect(email.html).toContain('Their reason: Sick &lt;kid&gt; at home');
  });

  it('goes to the operator when the captain is the one who declined', () => {
    const decline = crewDeclined('xhqgmdh', 'rowan-hale');
    const email = renderDeclineEmail({ state, decline, from: FROM, operatorAddress: operator });
    expect(email.to).toBe('ops@crew.example.com');
    expect(email.text).toContain('They gave no reason.');
  });
});

describe('the stall alerts', () => {
  const stuck = (missing: 'crew_event' | 'calendar', revision: number, cancelled = false) => ({
    kind: 'missing_step' as const,
    key: 'k',
    missing,
    revision,
    cancelled,
    since: at(0),
  });

  it.each<[ReturnType<typeof stuck>, string]>([
    [stuck('calendar', 1), 'the calendar entry was never confirmed'],
    [stuck('calendar', 2), 'the calendar never confirmed revision 2'],
    [stuck('calendar', 3, true), 'the calendar never confirmed the cancellation'],
    [stuck('crew_event', 1), 'the crew event (SCC) was never created'],
    [stuck('crew_event', 2), 'the crew event (SCC) never reached revision 2'],
  ])('names the step that never happened', (alert, words) => {
    const email = renderStallAlert({
      state: joined(created),
      alert,
      now: minutesAfter(16),
      from: FROM,
      to: 'x@crew.example.com',
      consoleUrl: CONSOLE,
    });
    expect(email.subject).toBe(`Booking xhqgmdh is stuck: ${words}`);
    expect(email.text).toContain('16 minutes ago');
    // The ops console's page of the booking, not a command only a developer's machine has.
    expect(email.text).toContain(`${CONSOLE}#/booking/xhqgmdh`);
    expect(email.text).not.toContain('npm run');
  });

  it('lists each member whose notice did not certainly go out, and why', () => {
    const alert = renderDeliveryAlert({
      state: joined(created),
      undelivered: [
        {
          member_id: 'isla-moreno',
          name: 'Isla Moreno',
          email: 'mate@crew.example.com',
          role: 'mate',
          kind: 'change',
          status: 'sending',
          sequence: 2,
        },
        {
          member_id: 'theo-park',
          name: 'Theo Park',
          email: 'deckhand@crew.example.com',
          role: 'deckhand',
          kind: 'call',
          status: 'rejected',
          sequence: 1,
          reason: 'MessageRejected: <bad> address',
        },
      ],
      from: FROM,
      to: 'captain@crew.example.com',
      consoleUrl: CONSOLE,
      sccApiUrl: 'https://scc.example.com/',
    });
    expect(alert.subject).toBe('Booking xhqgmdh: the crew email did not reach 2 crew members');
    expect(alert.text).toContain('Isla Moreno <mate@crew.example.com> (mate), "Changed:" notice: possibly sent');
    // Each names the way to send that member a fresh link, and the booking's page in the ops console.
    const eventId = created.event_id;
    expect(alert.text).toContain(
      'not re-sent automatically, to avoid a duplicate. To do: ask them; if they did not get it, a fresh link: ' +
        `POST https://scc.example.com/events/${eventId}/crew/isla-moreno/resend`,
    );
    expect(alert.text).toContain(`/events/${eventId}/crew/theo-park/resend`);
    expect(alert.text).toContain(`${CONSOLE}#/booking/xhqgmdh`);
    expect(alert.text).toContain(
      '(deckhand), "Crew call:" notice: not delivered: SES refused it (MessageRejected: <bad> address)',
    );
    expect(alert.html).toContain('MessageRejected: &lt;bad&gt; address');
  });

  it('says to phone a member whose cancellation or removal may not have reached them, with no resend route', () => {
    const member = {
      name: 'Isla Moreno',
      email: 'mate@crew.example.com',
      role: 'mate',
      status: 'unconfirmed' as const,
    };
    const alert = renderDeliveryAlert({
      state: joined(created),
      undelivered: [
        { ...member, member_id: 'isla-moreno', kind: 'cancel', sequence: 2 } as const,
        { ...member, member_id: 'theo-park', name: 'Theo Park', kind: 'removal', sequence: 2 } as const,
      ],
      from: FROM,
      to: 'captain@crew.example.com',
      consoleUrl: CONSOLE,
      sccApiUrl: 'https://scc.example.com/',
    });
    expect(alert.text).toContain(
      '"Cancelled:" notice: possibly sent: SES gave no answer; it is not re-sent automatically, ' +
        'to avoid a duplicate. To do: phone them to tell them the charter is cancelled (no fresh notice can be sent)',
    );
    expect(alert.text).toContain('"Off the crew:" notice: possibly sent');
    expect(alert.text).toContain('To do: phone them to tell them they are off the crew');
    // SCC answers the resend route 409 for both: the alert never offers it.
    expect(alert.text).not.toContain('/resend');
  });
});
