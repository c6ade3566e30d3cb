import * as z from '@charter/events/zod';
import { NotConfiguredError } from './errors';

type Shape = Record<string, z.ZodMiniType>;

/**
 * A service's settings: one reader per service (its `src/config.ts`), declared once as a map of
 * environment variable name -> zod schema. Each setting is validated the first time a function
 * asks for it and then memoised, so a function is never failed by a variable it does not use,
 * and a missing or malformed one is a NotConfiguredError naming the variable (and what it is for).
 *
 *   export const setting = defineConfig({ EVENTS_TABLE: envString, STALL_MINUTES: envInt(15) });
 *   setting('EVENTS_TABLE'); // string
 */
export function defineConfig<S extends Shape>(shape: S, env: NodeJS.ProcessEnv = process.env) {
  const read = new Map<keyof S, unknown>();
  return function setting<K extends keyof S & string>(name: K): z.infer<S[K]> {
    if (read.has(name)) return read.get(name) as z.infer<S[K]>;
    const result = shape[name]!.safeParse(env[name]);
    if (!result.success) {
      // The path names the part of a structured setting at fault (DEFAULT_ROSTER's "0.email").
      const detail = result.error.issues
        .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      throw new NotConfiguredError(`environment variable ${name}`, detail);
    }
    read.set(name, result.data);
    return result.data as z.infer<S[K]>;
  };
}

export const envString = z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, { error: 'is required' }));
export const envUrl = z.url({ error: 'must be a URL' });
export const envEmail = (purpose: string) => z.email({ error: `must be ${purpose}` });
export const envInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/** A setting holding JSON, parsed and then validated by `schema`. */
export const envJson = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.pipe(
      z.string({ error: 'is required' }),
      z.transform((text: string, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'is not JSON', input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );
