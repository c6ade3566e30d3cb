/**
 * The project's zod: `zod/mini` (tree-shakable: a handler bundles only the checks it uses, about 15 KB where full
 * `zod` is 450 KB and 25 ms of cold start) with English messages. zod/mini ships no locale, so every default message
 * would be a bare "Invalid input"; the English locale (3 KB, `en` alone: `z.locales` would bundle all 40+) is set
 * once here, and every schema of the project imports `z` from this module (`@charter/events/zod`), so whatever
 * module a schema is parsed from, a 422 or a dead letter names the fault as full zod did.
 *
 *   import * as z from '@charter/events/zod';
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
