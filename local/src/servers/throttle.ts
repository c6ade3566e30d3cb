import type { RouteThrottle } from '../definitions/service';

/**
 * API Gateway's throttling of one route: a token bucket that holds `burstLimit` requests and refills at `rateLimit`
 * a second; a request that finds it empty is answered 429 without reaching the integration. Written here rather than
 * taken from a rate-limiting library because the local cloud must answer exactly as the bucket stands (no queueing,
 * no waiting for a token, no per-client keys), and say when the next token comes (Retry-After).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limits: RouteThrottle,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = limits.burstLimit;
    this.updatedAt = now();
  }

  /** Takes a token: `{ ok: true }`, or when the bucket is empty the whole seconds until the next one. */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const { rateLimit, burstLimit } = this.limits;
    this.tokens = Math.min(burstLimit, this.tokens + ((now - this.updatedAt) / 1000) * rateLimit);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    // A rate of 0 never refills: API Gateway refuses every request beyond the burst, for good.
    const seconds = rateLimit > 0 ? Math.ceil((1 - this.tokens) / rateLimit) : 60;
    return { ok: false, retryAfterSeconds: Math.max(1, seconds) };
  }
}
