import { createHash, timingSafeEqual } from 'node:crypto';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { NotConfiguredError } from './errors';
import { lazy } from './lazy';

export interface SecretVersions {
  current: string;
  /** Present while a rotation is under way: the value before the last PutSecretValue. */
  previous?: string;
}

const DEFAULT_MAX_AGE_SECONDS = 300;
/** A miss may mean the secret rotated after we cached it; refetch, but at most this often. */
const REFRESH_ON_MISS_SECONDS = 5;
/** Secrets one reader keeps; far more than a service reads, far fewer than a flood of made-up names could add. */
const MAX_CACHED_SECRETS = 500;

/**
 * Reads a secret's AWSCURRENT and AWSPREVIOUS values, cached together for a few minutes.
 *
 * Not Powertools Parameters: its cache is keyed by name alone (so the two version stages would
 * overwrite each other) and it does not cache a missing value, which would make every request
 * ask Secrets Manager for an AWSPREVIOUS that only exists during a rotation.
 */
export class SecretReader {
  /** Per secret: the read under way or done, when it was started, and until when it may be served. */
  private readonly cache = new Map<
    string,
    { versions: Promise<SecretVersions | undefined>; fetchedAt: number; until: number }
  >();

  constructor(
    private readonly client: SecretsManagerClient = lazy(() => new SecretsManagerClient({})),
    private readonly maxAgeSeconds = Number(process.env.SECRETS_CACHE_SECONDS ?? DEFAULT_MAX_AGE_SECONDS),
  ) {}

  /** AWSCURRENT and AWSPREVIOUS; a secret that does not exist (or has no current value) is a NotConfiguredError. */
  async versions(name: string, forceFetch = false): Promise<SecretVersions> {
    const versions = await this.lookup(name, forceFetch);
    if (!versions) throw new NotConfiguredError(`secret ${name}`, 'it has no AWSCURRENT value in Secrets Manager');
    return versions;
  }

  /**
   * As `versions`, for a secret whose absence is an answer rather than a fault (a partner that was never onboarded
   * has no secret): undefined when it does not exist. An absence is remembered for a few seconds only, so a secret
   * created a moment later is found soon after.
   */
  lookup(name: string, forceFetch = false): Promise<SecretVersions | undefined> {
    const cached = this.cache.get(name);
    if (!forceFetch && cached && Date.now() < cached.until) return cached.versions;
    const fetchedAt = Date.now();
    const versions = this.fetch(name);
    this.cache.delete(name);
    this.cache.set(name, { versions, fetchedAt, until: fetchedAt + this.maxAgeSeconds * 1000 });
    // Names can come from a request (a partner in a path): the oldest entries go, so a stream of made-up names cannot
    // grow the cache without bound. A Map iterates in insertion order, and a refetch re-inserts its name last.
    if (this.cache.size > MAX_CACHED_SECRETS) this.cache.delete(this.cache.keys().next().value!);
    // A failed read, or a secret not there, is kept only briefly: the next requests fail fast instead of each asking
    // a Secrets Manager that is throttling or down, and a few seconds later one of them tries again.
    const keepBriefly = () => {
      const entry = this.cache.get(name);
      if (entry?.versions === versions) entry.until = Math.min(entry.until, fetchedAt + REFRESH_ON_MISS_SECONDS * 1000);
    };
    versions.then((found) => {
      if (!found) keepBriefly();
    }, keepBriefly);
    return versions;
  }

  /** The current value, parsed as JSON (for secrets such as the partner map). */
  async json<T>(name: string): Promise<T> {
    const { current } = await this.versions(name);
    try {
      return JSON.parse(current) as T;
    } catch {
      throw new NotConfiguredError(`secret ${name}`, 'its value is not valid JSON');
    }
  }

  /**
   * The one way a presented credential is checked against a rotating secret (a shared key, a
   * partner's signature, a magic link, an upload token). `check` runs on the accepted values,
   * AWSCURRENT and, while a rotation is under way, AWSPREVIOUS; when its result is a miss, the
   * values are read again (at most every few seconds per secret) and checked once more, so a key
   * rotated a moment ago is accepted without waiting for the cache to expire, while a stream of
   * wrong keys cannot hammer Secrets Manager. The comparison itself belongs to `check`, which
   * must be constant-time.
   */
  check<R>(
    name: string,
    check: (accepted: SecretVersions) => R,
    isMiss: (result: R) => boolean = (result) => !result,
  ): Promise<R> {
    return this.checkAgainst(name, (force) => this.versions(name, force), check, isMiss);
  }

  /**
   * `check` for a secret that may not exist (`lookup`): `check` gets undefined for a missing secret, and a miss
   * re-reads it as `check` does, so a secret created a moment ago (a partner just onboarded) is found at once.
   */
  checkIfExists<R>(
    name: string,
    check: (accepted: SecretVersions | undefined) => R,
    isMiss: (result: R) => boolean = (result) => !result,
  ): Promise<R> {
    return this.checkAgainst(name, (force) => this.lookup(name, force), check, isMiss);
  }

  /** True when the candidate equals the current or the previous value (constant-time). */
  matches(name: string, candidate: string | undefined): Promise<boolean> {
    if (!candidate) return Promise.resolve(false);
    return this.check(name, (accepted) => matchesAny(candidate, acceptedValues(accepted)));
  }

  private async checkAgainst<V, R>(
    name: string,
    read: (forceFetch: boolean) => Promise<V>,
    check: (accepted: V) => R,
    isMiss: (result: R) => boolean,
  ): Promise<R> {
    const result = check(await read(false));
    if (!isMiss(result)) return result;
    const age = Date.now() - (this.cache.get(name)?.fetchedAt ?? 0);
    if (age < REFRESH_ON_MISS_SECONDS * 1000) return result;
    return check(await read(true));
  }

  private async fetch(name: string): Promise<SecretVersions | undefined> {
    const [current, previous] = await Promise.all([this.read(name, 'AWSCURRENT'), this.read(name, 'AWSPREVIOUS')]);
    if (current === undefined || current === '') return undefined;
    return previous === undefined ? { current } : { current, previous };
  }

  private async read(name: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
      if (result.SecretString !== undefined) return result.SecretString;
      return result.SecretBinary ? Buffer.from(result.SecretBinary).toString('utf8') : undefined;
    } catch (error) {
      const errorName = (error as Error).name;
      if (error instanceof ResourceNotFoundException || errorName === 'ResourceNotFoundException') return undefined;
      if (errorName === 'AccessDeniedException') {
        throw new NotConfiguredError(`secret ${name}`, 'this function is not allowed to read it (check its IAM role)');
      }
      throw error;
    }
  }
}

/** The values a credential may match: AWSCURRENT, and AWSPREVIOUS while a rotation is under way. */
export const acceptedValues = (v: SecretVersions): string[] =>
  v.previous === undefined ? [v.current] : [v.current, v.previous];

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time comparison against every accepted value. Hashing first gives equal-length
 * inputs to timingSafeEqual, so neither the value nor its length leaks through timing.
 */
export function matchesAny(candidate: string, accepted: readonly string[]): boolean {
  const candidateDigest = digest(candidate);
  let matched = false;
  for (const value of accepted) {
    matched = timingSafeEqual(candidateDigest, digest(value)) || matched;
  }
  return matched;
}

/** One reader per Lambda environment: every function of a service shares its cache. */
export const secrets = new SecretReader();
