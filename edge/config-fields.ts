/**
 * Validators for the fields of an untrusted JSON object (a configuration file, cdk context), with
 * messages that name the field. Each configuration passes its own `fail`, which adds its prefix
 * (`router config: ...`, `infra config: ...`) and throws its error, so the validators are shared
 * and the messages stay each configuration's own. Imported by the edge bundle: keep it light.
 */
import { asRegion, type Region } from './model.ts';

/** Throws an error naming `field`; never returns. */
export type Fail = (field: string, message: string) => never;

/** Field validators that report through one configuration's {@link Fail}. */
export interface ConfigFields {
  /** The configuration's own {@link Fail}. */
  readonly fail: Fail;
  /** A plain object (not null, not an array). */
  readonly requireObject: (value: unknown, field: string) => Record<string, unknown>;
  readonly requireArray: (value: unknown, field: string) => unknown[];
  /** A string other than `''`. */
  readonly requireString: (value: unknown, field: string) => string;
  /** `undefined` when absent (undefined or null), otherwise a non-empty string. */
  readonly optionalString: (value: unknown, field: string) => string | undefined;
  /** An integer from `min` to `max`, both included. */
  readonly requireInt: (value: unknown, field: string, min: number, max: number) => number;
  /** {@link requireInt} bound to `min` and `max`: the validator of one integer setting. */
  readonly int: (min: number, max: number) => (value: unknown, field: string) => number;
  /** An AWS region name such as `eu-west-1`. */
  readonly requireRegion: (value: unknown, field: string) => Region;
  /** An array of at least `minimum` distinct region names. */
  readonly requireRegionList: (value: unknown, field: string, minimum: number) => Region[];
  readonly requireBoolean: (value: unknown, field: string) => boolean;
}

/**
 * The field validators of a configuration whose errors `fail` throws.
 *
 * @example
 * function fail(field: string, message: string): never {
 *   throw new ConfigError(`router config: ${field} ${message}`);
 * }
 * const { requireObject, requireInt }: ConfigFields = configFields(fail);
 */
export function configFields(fail: Fail): ConfigFields {
  function requireString(value: unknown, field: string): string {
    if (typeof value !== 'string' || value === '') fail(field, 'must be a non-empty string');
    return value;
  }
  function requireInt(value: unknown, field: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(field, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }
  function requireRegion(value: unknown, field: string): Region {
    const region = asRegion(requireString(value, field));
    if (region === undefined) fail(field, `${JSON.stringify(value)} is not an AWS region name`);
    return region;
  }
  return {
    fail,
    requireObject(value, field) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail(field, 'must be an object');
      return value as Record<string, unknown>;
    },
    requireArray(value, field) {
      if (!Array.isArray(value)) fail(field, 'must be an array');
      return value;
    },
    requireString,
    optionalString(value, field) {
      return value === undefined || value === null ? undefined : requireString(value, field);
    },
    requireInt,
    int: (min, max) => (value, field) => requireInt(value, field, min, max),
    requireRegion,
    requireRegionList(value, field, minimum) {
      if (!Array.isArray(value)) fail(field, 'must be an array');
      const regions = value.map((r, i) => requireRegion(r, `${field}[${i}]`));
      if (regions.length < minimum)
        fail(field, `must name at least ${minimum === 1 ? 'one region' : `${minimum} regions`}`);
      if (new Set(regions).size !== regions.length) fail(field, 'has duplicates');
      return regions;
    },
    requireBoolean(value, field) {
      if (typeof value !== 'boolean') fail(field, 'must be a boolean');
      return value;
    },
  };
}
