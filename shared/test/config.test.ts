import * as z from '@charter/events/zod';
import { defineConfig, envInt, envJson, envString } from '../src/config';
import { NotConfiguredError } from '../src/errors';

describe('defineConfig', () => {
  const Roster = z.array(z.object({ member_id: z.string(), email: z.email({ error: 'must be an email address' }) }));
  const settingIn = (env: NodeJS.ProcessEnv) =>
    defineConfig({ TABLE: envString, MINUTES: envInt(15), ROSTER: envJson(Roster) }, env);

  it('reads, validates and converts each setting on first use', () => {
    const setting = settingIn({ TABLE: 'events', MINUTES: '20', ROSTER: '[{"member_id":"a","email":"a@b.co"}]' });
    expect(setting('TABLE')).toBe('events');
    expect(setting('MINUTES')).toBe(20);
    expect(setting('ROSTER')).toEqual([{ member_id: 'a', email: 'a@b.co' }]);
  });

  it('fails only for the setting a function asks for, naming it', () => {
    const setting = settingIn({ TABLE: 'events' });
    expect(setting('TABLE')).toBe('events');
    expect(setting('MINUTES')).toBe(15);
    expect(() => settingIn({})('TABLE')).toThrow(new NotConfiguredError('environment variable TABLE', 'is required'));
  });

  it('names the part of a structured setting at fault', () => {
    const setting = settingIn({ ROSTER: '[{"member_id":"a","email":"not-an-email"}]' });
    expect(() => setting('ROSTER')).toThrow('environment variable ROSTER is not configured: 0.email: must be an email');
    expect(() => settingIn({ ROSTER: '[' })('ROSTER')).toThrow('ROSTER is not configured: is not JSON');
  });
});
