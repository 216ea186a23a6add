/**
 * One suite for every configuration described by a settings spec (the router's, the deployment's):
 * each default passes its own validator, each setting is documented, unknown and missing keys are
 * refused by name, and the docs table is the one the spec generates.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../edge/errors.ts';
import { type Setting, type SettingGroup, settingRows, settingsTable } from '../../edge/setting-spec.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** What {@link describeSettingsSpec} checks. */
export interface SettingsSpecSuite {
  /** The spec, e.g. `ROUTER_SETTINGS`. */
  readonly spec: object;
  /** The configuration's resolver, e.g. `resolveRouterConfig`. */
  readonly resolve: (input: unknown) => unknown;
  /** A valid input with only the required settings (and what they need). */
  readonly validInput: Readonly<Record<string, unknown>>;
  /** The doc holding the generated table between `<!-- settings-table:NAME -->` and `<!-- /settings-table -->`. */
  readonly doc: { readonly file: string; readonly table: string };
}

type Entry = Setting<unknown> | SettingGroup<unknown>;

/** Every setting (not group) of a spec with its dotted name. */
function leafSettings(spec: object, prefix = ''): [string, Setting<unknown>][] {
  return Object.entries(spec as Record<string, Entry>).flatMap(([key, entry]) =>
    'group' in entry ? leafSettings(entry.group, `${prefix}${key}.`) : [[`${prefix}${key}`, entry]],
  );
}

/** The text between a doc's table markers, or undefined when they are missing. */
function docTable(file: string, table: string): string | undefined {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const begin = `<!-- settings-table:${table} -->\n`;
  const start = text.indexOf(begin);
  const end = text.indexOf('<!-- /settings-table -->', start);
  return start < 0 || end < 0 ? undefined : text.slice(start + begin.length, end);
}

/** Registers the suite for one settings spec. */
export function describeSettingsSpec(name: string, suite: SettingsSpecSuite): void {
  const { spec, resolve: resolveConfig, validInput } = suite;
  const settings = leafSettings(spec);
  const withDefault = settings.filter(([, setting]) => 'default' in setting);
  const required = Object.entries(spec as Record<string, Entry>)
    .filter(([, entry]) => !('group' in entry) && !('default' in entry))
    .map(([key]) => key);
  const groups = Object.entries(spec as Record<string, Entry>)
    .filter(([, entry]) => 'group' in entry)
    .map(([key]) => key);

  describe(`${name} spec`, () => {
    it('accepts the valid input it is tested with', () => {
      expect(() => resolveConfig(validInput)).not.toThrow();
    });

    it('documents every setting and group in one line', () => {
      const undocumented = settingRows(spec).filter(({ doc }) => doc.trim() === '' || doc.includes('\n'));
      expect(undocumented).toEqual([]);
    });

    it.each(withDefault)('accepts the default of %s unchanged', (field, setting) => {
      expect(setting.parse(setting.default, field)).toEqual(setting.default);
    });

    it.each(required)('refuses an input without %s, naming it', (key) => {
      const { [key]: _omitted, ...input } = validInput;
      expect(() => resolveConfig(input)).toThrowError(ConfigError);
      expect(() => resolveConfig(input)).toThrowError(key);
    });

    it('refuses an unknown key, naming it', () => {
      expect(() => resolveConfig({ ...validInput, colour: 'blue' })).toThrowError(ConfigError);
      expect(() => resolveConfig({ ...validInput, colour: 'blue' })).toThrowError(
        /: colour is not a known setting$/,
      );
    });

    it.each(groups)('refuses an unknown key inside %s, naming it', (group) => {
      const input = { ...validInput, [group]: { colour: 'blue' } };
      expect(() => resolveConfig(input)).toThrowError(`${group}.colour is not a known setting`);
    });

    it(`is the settings table in ${suite.doc.file}`, () => {
      expect(
        docTable(suite.doc.file, suite.doc.table),
        `${suite.doc.file}: put this between the settings-table:${suite.doc.table} markers`,
      ).toBe(settingsTable(spec));
    });
  });
}
