import { BookingId, type PartnerRequestRefusedInput, type RefusalReason } from '@charter/events';
import { HttpError, ValidationError } from '@charter/shared/errors';
import { INTAKE_ROUTES, type IntakeRoute } from './intake-request';
import { isPartnerName } from './partners';
import type { PartnerSignatureCheck } from './signature';

/**
 * A refused partner request, as ops hears of it (PartnerRequestRefused): what kind of refusal it was and the status
 * the partner was answered, never what was sent (no body, no header, no field value).
 */

/** 404 unknown_partner or 401 invalid_signature, carrying which refusal it was for PartnerRequestRefused. */
export class SignatureRefused extends HttpError {
  constructor(readonly refusal: Exclude<PartnerSignatureCheck, { ok: true }>) {
    const unknown = refusal.refusal === 'unknown_partner';
    super(unknown ? 404 : 401, unknown ? 'unknown_partner' : 'invalid_signature', refusal.reason);
    this.name = 'SignatureRefused';
  }
}

/** The refusals the intake's shared steps raise (body limit, JSON), by their error code. */
const REASON_OF_CODE: Partial<Record<string, RefusalReason>> = {
  payload_too_large: 'payload_too_large',
  bad_json: 'bad_json',
};

/** At most this many field names are reported (the contract's bound). */
const MAX_FIELDS = 20;

/**
 * The PartnerRequestRefused detail for an error the intake answered, or undefined when it is not one to report: a 409
 * (the same revision again, or with other content: the partner's own retry, told apart by the answer) or a fault of
 * ours (5xx). A path partner that is no partner name cannot be reported (the event names the partner); a path booking
 * id outside the contract's pattern is left out.
 */
export function refusalDetail(
  error: unknown,
  request: { route: IntakeRoute; partner: string; bookingId: string | undefined; at: Date },
): PartnerRequestRefusedInput | undefined {
  if (!(error instanceof HttpError) || error.statusCode < 400 || error.statusCode >= 500 || error.statusCode === 409) {
    return undefined;
  }
  const reason =
    error instanceof SignatureRefused
      ? error.refusal.refusal
      : error instanceof ValidationError
        ? 'invalid'
        : REASON_OF_CODE[error.code];
  if (!reason || !isPartnerName(request.partner)) return undefined;
  const bookingId = request.bookingId !== undefined && BookingId.safeParse(request.bookingId).success;
  const fields =
    error instanceof ValidationError
      ? [...new Set(error.fields.map((field) => field.path.slice(0, 100)))].slice(0, MAX_FIELDS)
      : undefined;
  return {
    schema_version: 1,
    partner: request.partner,
    reason,
    status: error.statusCode,
    at: request.at.toISOString(),
    route: INTAKE_ROUTES[request.route].refusalRoute,
    ...(bookingId ? { booking_id: request.bookingId } : {}),
    ...(fields ? { fields } : {}),
  };
}
