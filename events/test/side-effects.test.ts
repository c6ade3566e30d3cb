/**
 * `"sideEffects": ["./src/zod.ts"]` in events/package.json lets esbuild drop the schema modules a function never
 * reaches (issue 17). The one module whose import does something, zod.ts (it sets zod/mini's English messages), must
 * stay in every bundle: a bundle built as the services build theirs, holding one schema, still explains a refusal in
 * English rather than zod/mini's bare "Invalid input".
 */
import { join } from 'node:path';
import { build } from 'esbuild';

describe("the events package's side effects, as esbuild bundles it", () => {
  it('keeps the English messages in a bundle of one schema, and drops the schemas it never reaches', async () => {
    const result = await build({
      stdin: {
        contents: "export { BookingId } from '@charter/events';",
        resolveDir: join(__dirname, '..'),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // What the bundle holds (esbuild lists every file it read; a dropped one has no bytes in the output).
    const [output] = Object.values(result.metafile.outputs);
    const inputs = Object.entries(output!.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file);
    expect(inputs).toEqual(expect.arrayContaining([expect.stringMatching(/events\/src\/zod\.ts$/)]));
    expect(inputs.filter((input) => /events\/src\/(crew-notified|calendar-updated)\.ts$/.test(input))).toEqual([]);

    const module = { exports: {} as { BookingId: { safeParse: (v: unknown) => { error?: { issues: unknown[] } } } } };
    type Run = (module: object, exports: object, require: NodeJS.Require) => void;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the bundle just built, as Lambda would
    const run = new Function('module', 'exports', 'require', result.outputFiles[0]!.text) as Run;
    run(module, module.exports, require);
    const { error } = module.exports.BookingId.safeParse(42);
    expect(error?.issues).toEqual([
      expect.objectContaining({ message: 'Invalid input: expected string, received number' }),
    ]);
  });
});
