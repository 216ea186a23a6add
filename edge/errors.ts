/**
 * Error classes. Expected routing outcomes are data ({@link RouteDecision}); these are for bad
 * configuration, bad table data and infrastructure failures.
 */

/** The router configuration is invalid. Thrown once, at load time, with a message naming the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A table item failed validation. Answered 502 and logged, never cached, never routed. */
export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
  constructor(
    readonly key: string,
    /** What is wrong with the item, without the key. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`malformed item ${key}: ${problem}`, options);
  }
}

/** Every replica failed or the lookup budget ran out. */
export class LookupFailedError extends Error {
  override readonly name = 'LookupFailedError';
}
