/**
 * Configurations described as data: one entry per setting with its one-line doc, its default and
 * its validator. The known settings, the defaults, the unknown-key check and the docs table all
 * come from that one spec. Each configuration checks its spec against its interface with
 * `satisfies SettingsSpec<Config>`, so a field without an entry, or an entry without a field, does
 * not compile. Imported by the edge bundle: keep it light.
 */
import type { ConfigFields } from './config-fields.ts';

/** One setting: what it means, what it is when omitted, and how it is validated. */
export interface Setting<T> {
  /** One line for the docs table: what the setting does (and its unit). */
  readonly doc: string;
  /**
   * Validates and normalises the input value, naming `field` in its error. Gets the default when
   * the input omits the setting (or gives `null`); `undefined` when there is no default either.
   */
  readonly parse: (value: unknown, field: string) => T;
  /** The value of an omitted setting. No `default` key at all: the setting is required. */
  readonly default?: T;
  /** How the docs show a default that is computed from other settings (`primaryRegion`). */
  readonly defaultDoc?: string;
}

/** Settings read from one nested object (`cache`); omitted, every setting inside takes its default. */
export interface SettingGroup<T> {
  /** One line for the docs table. */
  readonly doc: string;
  readonly group: SettingsSpec<T>;
}

/** One entry per field of `T`: a {@link Setting}, or a {@link SettingGroup} for a nested object. */
export type SettingsSpec<T> = { readonly [K in keyof T]-?: Setting<T[K]> | SettingGroup<T[K]> };

/** An entry that may be omitted from the input: it has a default, or is a group (whose parts do). */
type Optional = { readonly default: unknown } | { readonly group: unknown };

/**
 * The input form of the configuration `T` described by spec `S` (pass `typeof SPEC`): settings
 * with a default may be omitted, groups may be given in part.
 */
export type SettingsInput<T, S> = {
  readonly [K in keyof T as K extends keyof S ? (S[K] extends Optional ? never : K) : K]: T[K];
} & {
  readonly [K in keyof T as K extends keyof S
    ? S[K] extends Optional
      ? K
      : never
    : never]?: K extends keyof S
    ? S[K] extends { readonly group: infer G }
      ? SettingsInput<T[K], G>
      : T[K]
    : never;
};

/** The defaults of spec `S` (pass `typeof SPEC`), groups nested: what {@link settingDefaults} returns. */
export type SettingDefaults<S> = {
  readonly [K in keyof S as S[K] extends Optional ? K : never]: S[K] extends { readonly default: infer D }
    ? D
    : S[K] extends { readonly group: infer G }
      ? SettingDefaults<G>
      : never;
};

type AnyEntry = Setting<unknown> | SettingGroup<unknown>;

function entries(spec: object): [string, AnyEntry][] {
  return Object.entries(spec);
}

/**
 * Validates `raw` against `spec`: refuses a key the spec does not know (naming it), gives each
 * omitted setting its default and runs every validator, in spec order. Errors go through `fail`
 * (with `prefix`, `cache.` inside a group), as the validators' own do: pass the configuration's
 * {@link ConfigFields}.
 *
 * @example
 * const config: RouterConfig = resolveSettings(ROUTER_SETTINGS, raw, fields);
 */
export function resolveSettings<T>(
  spec: SettingsSpec<T>,
  raw: Readonly<Record<string, unknown>>,
  fields: ConfigFields,
  prefix = '',
): T {
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(spec, key)) fields.fail(`${prefix}${key}`, 'is not a known setting');
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, entry] of entries(spec)) {
    const field = `${prefix}${key}`;
    const value = raw[key];
    resolved[key] =
      'group' in entry
        ? resolveSettings(entry.group, fields.requireObject(value ?? {}, field), fields, `${field}.`)
        : entry.parse(value ?? entry.default, field);
  }
  // Every key of the spec, hence of T, was set from its own entry's parse above.
  return resolved as T;
}

/** The defaults of a spec, groups nested; required settings are left out. */
export function settingDefaults<S extends object>(spec: S): SettingDefaults<S> {
  const defaults: Record<string, unknown> = {};
  for (const [key, entry] of entries(spec)) {
    if ('group' in entry) defaults[key] = settingDefaults(entry.group);
    else if ('default' in entry) defaults[key] = entry.default;
  }
  // Built key by key from the spec's own entries, as SettingDefaults<S> maps them.
  return defaults as SettingDefaults<S>;
}

/** One row of a settings table: dotted name, default as the docs show it (Markdown), one-line doc. */
export interface SettingRow {
  readonly name: string;
  readonly default: string;
  readonly doc: string;
}

/**
 * The rows of the docs table of a spec: each setting, each group followed by its settings. A
 * default is shown as JSON in backticks, `none` when it is `undefined`, `required` when there is
 * none, or as the entry's `defaultDoc`.
 */
export function settingRows(spec: object, prefix = ''): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const [key, entry] of entries(spec)) {
    const name = `${prefix}${key}`;
    if ('group' in entry) {
      rows.push({ name, default: '', doc: entry.doc }, ...settingRows(entry.group, `${name}.`));
    } else {
      const shown =
        entry.defaultDoc ??
        (!('default' in entry)
          ? 'required'
          : entry.default === undefined
            ? 'none'
            : `\`${JSON.stringify(entry.default)}\``);
      rows.push({ name, default: shown, doc: entry.doc });
    }
  }
  return rows;
}

/** A spec's settings as a Markdown table (`setting | default | meaning`), for the docs. */
export function settingsTable(spec: object): string {
  const lines = ['| setting | default | meaning |', '|---|---|---|'];
  for (const row of settingRows(spec)) {
    lines.push(`| \`${row.name}\` | ${row.default} | ${row.doc} |`);
  }
  return `${lines.join('\n')}\n`;
}
