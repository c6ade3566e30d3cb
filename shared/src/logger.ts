import { Logger } from '@aws-lambda-powertools/logger';

/**
 * A Powertools logger named for its service (one per handler module). Lines are JSON; `withBookingId` adds the
 * booking id to every line of the current invocation so an operator can follow one booking across services.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO') ?? 'INFO' });
}

export function withBookingId(logger: Logger, bookingId: string | undefined): void {
  if (bookingId) logger.appendKeys({ booking_id: bookingId });
}
