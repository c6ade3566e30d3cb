/**
 * Hostile input at every HTTP route of every service, through the local HTTP API (real HTTP): fast-check generates
 * malformed, oversized, wrongly-encoded and wrongly-authenticated requests, and every answer must be a 4xx with the
 * contract's JSON `{error, message}` (the crew routes answer a browser with an HTML page unless it asks for JSON),
 * never a 5xx. The routes come from the services' own definitions, so a new route is
 * covered (or this test fails naming it) without anyone remembering to add it.
 */
import fc from 'fast-check';
import { mintCrewToken } from '@charter/shared/magic-link';
import { bookingInput, marinaDate } from '@charter/local/fixtures';
import { publishBookings, startLocalCloud, UNTHROTTLED, type LocalCloud } from '@charter/local/testing';
import type { ServiceWiring } from '@charter/local/definitions';
import { signatureHeader } from '../services/bus/src/domain/signature';
import { onboardPartners } from '../services/bus/test/support/partners';
import { mintUploadToken } from '../services/guest-pages/src/domain/upload-token';

type Route = ServiceWiring['routes'][number];
type Auth = 'signature' | 'upload-token' | 'service-key' | 'dashboard-token' | 'magic-link' | 'none';

/** How each route is authenticated (ARCHITECTURE.md's route table). */
const AUTH_OF: Record<string, Auth> = {
  'POST /partners/{partner}/bookings': 'signature',
  'PUT /partners/{partner}/bookings/{booking_id}': 'signature',
  'POST /partners/{partner}/bookings/{booking_id}/cancel': 'signature',
  'POST /g/presign': 'upload-token',
  'GET /bookings/{booking_id}/guest-page': 'service-key',
  'POST /events': 'service-key',
  'GET /events': 'service-key',
  'GET /events/{event_id}': 'service-key',
  'PATCH /events/{event_id}': 'service-key',
  'POST /events/{event_id}/crew/{member_id}/resend': 'service-key',
  'PUT /crew': 'service-key',
  'GET /crew/{event_id}': 'magic-link',
  'POST /crew/{event_id}/confirm': 'magic-link',
  'POST /crew/{event_id}/decline': 'magic-link',
  'POST /calendar/entries': 'dashboard-token',
  'GET /calendar/entries': 'dashboard-token',
  'GET /ops/bookings': 'dashboard-token',
  'GET /ops/bookings/{booking_id}': 'dashboard-token',
  'GET /ops/health': 'dashboard-token',
  'GET /ops/dead-letters': 'dashboard-token',
};
/** The query parameters a GET route reads (the magic link's token is the crew page's credential, not input). */
const QUERY_OF: Record<string, string[]> = {
  'GET /events': ['booking_id'],
  'GET /calendar/entries': ['year'],
  'GET /ops/bookings': ['from', 'to'],
};
/** Routes whose only input is the credential: with a valid one there is nothing left to get wrong. */
const ONLY_A_CREDENTIAL = new Set(['GET /ops/health', 'GET /ops/dead-letters']);
const CREW_ROUTES = /^(GET|POST) \/crew\/\{event_id\}/;

/** The limit API Gateway puts on a payload; larger bodies are refused by the gateway itself. */
const GATEWAY_LIMIT = 10 * 1024 * 1024;
/** HOSTILE_RUNS and HOSTILE_SEED explore further; the defaults are what CI runs. */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 260);
const SEED = Number(process.env.HOSTILE_SEED ?? 152027);

let cloud: LocalCloud;
let routes: Route[];
let valid: {
  partner: string;
  partnerSecret: string;
  bookingId: string;
  eventId: string;
  memberId: string;
  serviceKey: string;
  dashboardToken: string;
  uploadToken: string;
  memberEmail: string;
  magicLink: string;
  expiredMagicLink: string;
};

beforeAll(async () => {
  cloud = await startLocalCloud({
    run: true,
    // Throttling out of the way: this test is about what the handlers answer (throttling has its own tests).
    params: UNTHROTTLED,
  });
  routes = cloud.services.flatMap((s) => s.routes);
  // A real booking, so a hostile request can name things that exist: its guest page, crew event and calendar entry.
  const bookingId = 'hostile-bkg';
  await publishBookings([bookingInput({ booking_id: bookingId, charter_date: marinaDate(20) })]);
  await cloud.idle();
  const created = cloud.published().find((e) => e['detail-type'] === 'EventCreated');
  const eventId = (created?.detail as { event_id: string }).event_id;
  const { 'hostile-co': partnerSecret } = await onboardPartners(['hostile-co']);
  const magicKey = cloud.secrets['charter/local/magic-link-key']!;
  const memberId = 'rowan-hale';
  const crew = (created?.detail as { crew: { member_id: string; email: string }[] }).crew;
  const email = crew.find((m) => m.member_id === memberId)!.email;
  const expiresAt = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
  valid = {
    partner: 'hostile-co',
    partnerSecret: partnerSecret!,
    bookingId,
    eventId,
    memberId,
    serviceKey: cloud.secrets['charter/local/scc-service-key']!,
    dashboardToken: cloud.secrets['charter/local/dashboard-token']!,
    uploadToken: mintUploadToken(cloud.secrets['charter/local/guest-upload-key']!, bookingId),
    memberEmail: email,
    magicLink: mintCrewToken(magicKey, { eventId, memberId, email, expiresAt }),
    expiredMagicLink: mintCrewToken(magicKey, { eventId, memberId, email, expiresAt: 1_000_000_000 }),
  };
}, 120_000);
afterAll(() => cloud?.stop());

/** One request as sent on the wire. */
interface Hostile {
  category: 'malformed' | 'oversized' | 'wrongly-encoded' | 'wrongly-authenticated';
  route: Route;
  /** Raw path segments, percent-encoding (or its absence) as sent. */
  params: Record<string, string>;
  query: Array<[string, string]>;
  credential: 'valid' | 'missing' | 'wrong';
  wrongCredential: number;
  body?: Buffer | 'gateway-limit';
  contentType?: string;
  contentEncoding?: string;
  ifMatch?: string;
  acceptJson: boolean;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Path segments no route accepts: not a valid id in any service, badly or oddly encoded, or far too long. */
const garbageSegment = fc.oneof(
  fc.constantFrom('..', '%2e%2e', 'a%2Fb', '%00', '%20', 'x', '%E2%80%AE', 'Robert%27);DROP%20TABLE', '%F0%9F%92%A5'),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${encodeURIComponent(s)}!`),
  fc.integer({ min: 65, max: 3000 }).map((n) => 'b'.repeat(n)),
);
/** Percent-encoding that does not decode (half a UTF-8 sequence, a non-hex escape). */
const undecodableSegment = fc.constantFrom('%ZZ', '%C3%28', '%E0%A4', '%', 'ok%G1', '%ED%A0%80');
/** Query values no route accepts. */
const garbageQueryValue = fc.oneof(
  fc.constantFrom('', ' ', '2027-13-45', '-1', '99999', 'NaN', '1e309', '../../etc', 'null', '[]', '\u0000'),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => `${s}\u2603`),
  fc.integer({ min: 3000, max: 8000 }).map((n) => '9'.repeat(n)),
);

/** Bodies that are not JSON, or JSON of a shape no route takes (never an object with fields a route would accept). */
const malformedBody = fc.oneof(
  fc.constantFrom('{', '{"booking_id": ', '[1, 2', 'undefined', "{'single': 'quotes'}", '{"a":1}{"b":2}', 'NaN'),
  fc.string({ maxLength: 200 }).map((s) => `{${s}`),
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map(String),
  fc.constantFrom(
    JSON.stringify({ booking_id: 12345, guest_count: 'many', revision: -1, crew: 'everyone', year: {} }),
    JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }),
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    JSON.stringify({ notes: { $gt: '' }, expected_version: 'NaN', crew: [{ member_id: '../../' }] }),
  ),
);
/** Bodies in an encoding other than the UTF-8 JSON every route reads, with what they claim to be. */
const wronglyEncodedBody = fc.constantFrom(
  {
    body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
    type: 'application/json',
  },
  {
    body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"booking_id":"x"}', 'utf16le')]),
    type: 'application/json; charset=utf-16',
  },
  { body: Buffer.from('{"reason":"caf\xe9"}', 'latin1'), type: 'application/json; charset=iso-8859-1' },
  { body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]), type: 'application/octet-stream' },
  { body: Buffer.from([0x00, 0x01, 0x02, 0xff, 0x80, 0x7f]), type: 'image/png' },
  { body: utf8('{"a":"\\ud800"}'), type: 'application/json' },
  {
    body: utf8('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n--x--'),
    type: 'multipart/form-data; boundary=x',
  },
  { body: utf8('a=%ZZ&token=%E0%A4&reason=%C3%28'), type: 'application/x-www-form-urlencoded' },
);

/** A credential of the route's kind that is not a valid one (n picks the way it is wrong). */
function wrongCredential(auth: Auth, n: number, body: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  switch (auth) {
    case 'signature': {
      const forms = [
        'garbage',
        `t=${now},v1=${'0'.repeat(64)}`,
        signatureHeader(valid.partnerSecret, body, now - 3600),
        signatureHeader(valid.partnerSecret, `${body} `),
        signatureHeader('not-the-secret', body),
        `t=${'9'.repeat(40)},v1=zz`,
        `${signatureHeader(valid.partnerSecret, body).slice(0, -1)}`,
        'v1=' + 'a'.repeat(4000),
      ];
      return { 'x-charter-signature': forms[n % forms.length]! };
    }
    case 'upload-token': {
      const forms = [
        'x',
        mintUploadToken(valid.serviceKey, valid.bookingId),
        mintUploadToken(cloud.secrets['charter/local/guest-upload-key']!, 'another-booking'),
        `${valid.uploadToken}=`,
        valid.uploadToken.toLowerCase(),
        't'.repeat(4000),
      ];
      return { 'x-upload-token': forms[n % forms.length]! };
    }
    case 'service-key':
    case 'dashboard-token': {
      const own = auth === 'service-key' ? valid.serviceKey : valid.dashboardToken;
      const other = auth === 'service-key' ? valid.dashboardToken : valid.serviceKey;
      const forms = [other, own.slice(1), `${own}x`, 'null', ' ', own.toUpperCase(), 'k'.repeat(4000)];
      return { [auth === 'service-key' ? 'x-service-key' : 'x-dashboard-token']: forms[n % forms.length]! };
    }
    case 'magic-link':
    case 'none':
      return {};
  }
}

/** The magic link's wrong forms go in the query, where the link carries it. */
function wrongMagicLink(n: number): string {
  const forms = [
    'x',
    valid.expiredMagicLink,
    `${valid.memberId}.${Math.floor(Date.now() / 1000) + 3600}.${'A'.repeat(43)}`,
    mintCrewToken(valid.serviceKey, {
      eventId: valid.eventId,
      memberId: valid.memberId,
      email: valid.memberEmail,
      expiresAt: 4_000_000_000,
    }),
    `${valid.magicLink.slice(0, -1)}B`,
    `nobody.${valid.magicLink.split('.').slice(1).join('.')}`,
    'm'.repeat(3000),
  ];
  return forms[n % forms.length]!;
}

const hostileRequest: fc.Arbitrary<Hostile> = fc
  .record({
    category: fc.constantFrom('malformed', 'oversized', 'wrongly-encoded', 'wrongly-authenticated'),
    routeIndex: fc.nat(),
    wrongCredential: fc.nat(),
    segment: garbageSegment,
    undecodable: undecodableSegment,
    queryValue: garbageQueryValue,
    malformed: malformedBody,
    encoded: wronglyEncodedBody,
    oversize: fc.oneof(
      fc.integer({ min: 65 * 1024, max: 2 * 1024 * 1024 }),
      fc.constant<'gateway-limit'>('gateway-limit'),
    ),
    credentialMissing: fc.boolean(),
    typeWrong: fc.record({ field: fc.nat(), value: fc.nat(), use: fc.boolean() }),
    duplicateQuery: fc.boolean(),
    ifMatch: fc.constantFrom(undefined, 'W/"x"', '"-1"', '*', '"999999999999999999999"', 'garbage'),
    acceptJson: fc.boolean(),
    bogusGzip: fc.boolean(),
  })
  .map((draw): Hostile => {
    const route = routes[draw.routeIndex % routes.length]!;
    const routeKey = route.routeKey;
    const takesBody = route.method !== 'GET';
    const auth = AUTH_OF[routeKey] ?? 'none';
    // A route whose only input is its credential (or that has none) can only be hostile through the credential.
    const category =
      ONLY_A_CREDENTIAL.has(routeKey) && draw.category !== 'oversized' ? 'wrongly-authenticated' : draw.category;
    const realParams: Record<string, string> = {
      partner: valid.partner,
      booking_id: valid.bookingId,
      event_id: valid.eventId,
      member_id: valid.memberId,
    };
    const params = Object.fromEntries(
      [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, realParams[name!] ?? 'x']),
    );
    const query: Array<[string, string]> = (QUERY_OF[routeKey] ?? []).map((name) => [name, realValue(name)]);
    const request: Hostile = {
      category,
      route,
      params,
      query,
      credential: 'valid',
      wrongCredential: draw.wrongCredential,
      acceptJson: draw.acceptJson,
      ...(takesBody ? { body: utf8(realisticBody(routeKey)), contentType: 'application/json' } : {}),
    };
    const firstParam = Object.keys(params)[0];
    switch (category) {
      case 'wrongly-authenticated':
        request.credential = draw.credentialMissing || auth === 'none' ? 'missing' : 'wrong';
        break;
      case 'malformed':
        if (takesBody) {
          const body = realisticBody(routeKey);
          request.body = utf8(
            draw.typeWrong.use ? (withWrongType(body, draw.typeWrong) ?? draw.malformed) : draw.malformed,
          );
        } else if (query.length) {
          const [name] = query[draw.wrongCredential % query.length]!;
          query.splice(0, query.length, ...query.filter(([n]) => n !== name), [
            name,
            invalidQueryValue(name, draw.queryValue),
          ]);
          if (draw.duplicateQuery) query.push([name, realValue(name)]);
        } else if (firstParam) params[firstParam] = draw.segment;
        if (draw.ifMatch) request.ifMatch = draw.ifMatch;
        break;
      case 'oversized':
        if (takesBody)
          request.body = draw.oversize === 'gateway-limit' ? 'gateway-limit' : oversizedJson(draw.oversize);
        else if (firstParam) params[firstParam] = 'o'.repeat(4000);
        else if (query.length) query[0]![1] = 'o'.repeat(8000);
        else request.credential = 'wrong';
        break;
      case 'wrongly-encoded':
        if (takesBody && !CREW_ROUTES.test(routeKey)) {
          request.body = draw.encoded.body;
          request.contentType = draw.encoded.type;
          if (draw.bogusGzip) request.contentEncoding = 'gzip';
        } else if (firstParam) params[firstParam] = draw.undecodable;
        else if (query.length) query[0]![1] = '\udc00\ud800';
        break;
    }
    // A crew answer with a valid link and a form body always succeeds: its hostile body must be broken JSON.
    if (CREW_ROUTES.test(routeKey) && takesBody && request.credential === 'valid' && category !== 'oversized') {
      request.body = utf8(`{"reason": "${draw.malformed}`);
      request.contentType = 'application/json';
    }
    return request;
  });

/** Values of the wrong type for a field of the given one: never valid, whatever the field's own rules. */
const WRONG_TYPES: Record<string, unknown[]> = {
  // Not null: an optional field may take null to clear it (PATCH's crew_notes), which is no wrong type.
  string: [12345, { $ne: '' }, ['a'], true],
  number: ['12', { n: 1 }, [1], false, 1e308],
  boolean: ['true', 1],
  object: ['{}', 7, []],
};

/** The realistic body with one field (not one the path forces) set to a value of the wrong type. */
function withWrongType(body: string, draw: { field: number; value: number }): string | undefined {
  const object = JSON.parse(body) as Record<string, unknown>;
  const fields = Object.keys(object).filter((key) => key !== 'booking_id' && key !== 'source');
  if (fields.length === 0) return undefined;
  const field = fields[draw.field % fields.length]!;
  const type = Array.isArray(object[field]) ? 'object' : typeof object[field];
  const choices = WRONG_TYPES[type] ?? WRONG_TYPES.string!;
  return JSON.stringify({ ...object, [field]: choices[draw.value % choices.length] });
}

/** Query values that break the parameter's own rule (a booking id's pattern, a year's four digits, a date). */
function invalidQueryValue(name: string, value: string): string {
  const rules: Record<string, RegExp> = {
    booking_id: /^[A-Za-z0-9_-]{3,64}$/,
    year: /^\d{4}$/,
    from: /^\d{4}-\d{2}-\d{2}$/,
    to: /^\d{4}-\d{2}-\d{2}$/,
  };
  return rules[name]?.test(value) ? `${value}!` : value;
}

function realValue(name: string): string {
  const values: Record<string, string> = {
    booking_id: valid.bookingId,
    year: '2027',
    from: '2027-01-01',
    to: '2027-12-31',
  };
  return values[name] ?? 'x';
}

/** A body the route would take: hostile requests break one thing about it (or its credential). */
function realisticBody(routeKey: string): string {
  const booking = bookingInput({ booking_id: 'hostile-new', charter_date: marinaDate(40) });
  const bodies: Record<string, unknown> = {
    'POST /partners/{partner}/bookings': booking,
    'PUT /partners/{partner}/bookings/{booking_id}': { ...booking, booking_id: valid.bookingId, revision: 2 },
    'POST /partners/{partner}/bookings/{booking_id}/cancel': {
      schema_version: 1,
      revision: 3,
      cancelled_at: new Date().toISOString(),
    },
    'POST /g/presign': { booking_id: valid.bookingId, file_name: 'a.jpg', file_size: 1000, mime_type: 'image/jpeg' },
    'POST /events': {
      booking_id: 'hostile-manual',
      charter_date: marinaDate(40),
      charter_start: '10:00',
      charter_end: '12:00',
    },
    'PATCH /events/{event_id}': { crew_notes: 'Meet at 9', expected_version: 1 },
    'PUT /crew': { crew: [{ member_id: 'a-b', name: 'A B', email: 'a@crew.example.com', role: 'captain' }] },
    'POST /calendar/entries': {
      booking_id: 'hostile-cal',
      charter_date: marinaDate(40),
      charter_start: '10:00',
      charter_end: '12:00',
      guest_count: 2,
    },
    'POST /crew/{event_id}/confirm': {},
    'POST /crew/{event_id}/decline': { reason: 'Sick' },
  };
  return JSON.stringify(bodies[routeKey] ?? {});
}

let gatewayLimitBody: Buffer | undefined;

/** A JSON object of about `bytes` bytes: well formed, only too large. */
const oversizedJson = (bytes: number) => utf8(JSON.stringify({ notes: 'n'.repeat(bytes) }));

/** Sends it through the local HTTP API; the status and what the answer said. */
async function send(request: Hostile) {
  const { route } = request;
  const auth = AUTH_OF[route.routeKey] ?? 'none';
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => request.params[name]!);
  const query = [...request.query];
  if (auth === 'magic-link') {
    if (request.credential === 'valid') query.push(['token', valid.magicLink]);
    if (request.credential === 'wrong') query.push(['token', wrongMagicLink(request.wrongCredential)]);
  }
  const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(safeText(v))}`).join('&');
  let body: Buffer | undefined;
  if (request.body === 'gateway-limit') body = gatewayLimitBody ??= Buffer.alloc(GATEWAY_LIMIT + 1024, 'a');
  else body = request.body;
  const headers: Record<string, string> = {
    ...(request.contentType ? { 'content-type': request.contentType } : {}),
    ...(request.contentEncoding ? { 'content-encoding': request.contentEncoding } : {}),
    ...(request.ifMatch ? { 'if-match': request.ifMatch } : {}),
    ...(request.acceptJson ? { accept: 'application/json' } : { accept: 'text/html,*/*' }),
    ...credentialHeaders(auth, request, body),
  };
  const res = await fetch(`${cloud.endpoints.api}${path}${search ? `?${search}` : ''}`, {
    method: route.method,
    headers,
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
}

/** A lone surrogate cannot be percent-encoded; it is sent as the replacement character a browser would send. */
const safeText = (value: string) => value.replace(/\p{Surrogate}/gu, '\ufffd');

function credentialHeaders(auth: Auth, request: Hostile, body: Buffer | undefined): Record<string, string> {
  if (request.credential === 'missing' || auth === 'magic-link' || auth === 'none') return {};
  const text = body ? body.toString('utf8') : '';
  if (request.credential === 'wrong') return wrongCredential(auth, request.wrongCredential, text);
  switch (auth) {
    case 'signature':
      return { 'x-charter-signature': signatureHeader(valid.partnerSecret, text) };
    case 'upload-token':
      return { 'x-upload-token': valid.uploadToken };
    case 'service-key':
      return { 'x-service-key': valid.serviceKey };
    case 'dashboard-token':
      return { 'x-dashboard-token': valid.dashboardToken };
  }
}

/** What the contract allows as an answer to a hostile request; undefined when the answer is one. */
function violation(
  request: Hostile,
  answer: { status: number; contentType: string; text: string },
): string | undefined {
  const { routeKey } = request.route;
  if (answer.status === 0) return answer.text;
  if (answer.status >= 500) return `${answer.status} (a fault of ours)`;
  if (answer.status < 400) return `${answer.status}: a hostile request was not refused`;
  if (CREW_ROUTES.test(routeKey) && !request.acceptJson && /^text\/html/.test(answer.contentType)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} with a body that is not JSON: ${answer.text.slice(0, 80)}`;
  }
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
  return typeof error === 'string' && typeof message === 'string'
    ? undefined
    : `${answer.status} without {error, message}: ${answer.text.slice(0, 80)}`;
}

describe('hostile input at every HTTP route of every service', () => {
  it('knows how every route is authenticated (a new route must be added here to be attacked)', () => {
    expect(routes.map((r) => r.routeKey).filter((key) => !(key in AUTH_OF))).toEqual([]);
  });

  it(`answers ${RUNS} generated hostile requests with 4xx JSON errors only, never a 5xx`, async () => {
    const requests = fc.sample(hostileRequest, { numRuns: RUNS, seed: SEED });
    const statuses = new Map<number, number>();
    const byCategory = new Map<string, number>();
    const violations: string[] = [];
    const reached = new Set<string>();
    for (const request of requests) {
      const answer = await send(request).catch((error: Error) => ({
        status: 0,
        contentType: '',
        text: `no answer: ${error.message} (${String((error.cause as Error | undefined)?.message)})`,
      }));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      byCategory.set(request.category, (byCategory.get(request.category) ?? 0) + 1);
      reached.add(request.route.routeKey);
      const wrong = violation(request, answer);
      if (wrong) {
        const { route, params, query, credential, contentType, body } = request;
        const size = body === 'gateway-limit' ? 'over 10 MB' : `${body?.length ?? 0} bytes`;
        violations.push(
          `${route.routeKey} [${request.category}, credential ${credential}, ${contentType ?? 'no body'}, ${size}, ` +
            `params ${JSON.stringify(params).slice(0, 120)}, query ${JSON.stringify(query).slice(0, 120)}]: ${wrong}`,
        );
      }
    }
    const figures = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
    console.log(
      `hostile input: ${requests.length} requests over ${reached.size} routes; ` +
        `${[...byCategory].map(([c, n]) => `${c} ${n}`).join(', ')}\nstatuses: ${figures.join(', ')}`,
    );
    expect(reached.size).toBe(routes.length);
    expect(violations).toEqual([]);
  }, 240_000);
});
