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
  /** An AWS region name such as `eu-west-1`. */
  readonly requireRegion: (value: unknown, field: string) => Region;
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
    requireInt(value, field, min, max) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(field, `must be an integer from ${min} to ${max}`);
      }
      return value;
    },
    requireRegion(value, field) {
      const region = asRegion(requireString(value, field));
      if (region === undefined) fail(field, `${JSON.stringify(value)} is not an AWS region name`);
      return region;
    },
  };
}
