import { z } from 'zod';
import { NotConfiguredError } from './errors';

/**
 * Reads a service's settings from the environment once, validated by a zod object whose keys
 * are the variable names. A missing or malformed variable is a NotConfiguredError naming it,
 * raised at cold start rather than halfway through a booking.
 */
export function readConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const names = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
  const detail = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new NotConfiguredError(`environment variable ${names.join(', ')}`, detail);
}

/** Memoises a config reader so handlers call it per invocation but read the env once. */
export function lazyConfig<T>(read: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= read());
}

export const envString = z.string({ error: 'is required' }).trim().min(1, { error: 'is required' });
export const envUrl = z.url({ error: 'must be a URL' });
export const envInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
