/**
 * CloudWatch embedded metric format (EMF) documents: one JSON log line that CloudWatch Logs turns
 * into metrics. Written to the specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a root `_aws` member with `Timestamp` (ms since the epoch) and `CloudWatchMetrics` (metric
 * directives of `Namespace`, `Dimensions` and `Metrics`), and every referenced target member on
 * the root node, not nested: a dimension target a string, a metric target a number or an array of
 * at most 100 numbers. At most 100 metric definitions per directive and 30 dimension keys per
 * dimension set. Pure: building a document reads no clock and writes nothing.
 */

/** CloudWatch metric units this router uses (a subset of MetricDatum's units). */
export type EmfUnit = 'Count' | 'Milliseconds' | 'Percent' | 'None';

/** One metric of a document: its name, unit and value (a number, or up to 100 values). */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number | readonly number[];
}

/** What one EMF document says. */
export interface EmfInput {
  readonly namespace: string;
  /** Milliseconds since the epoch the values are stamped with. */
  readonly timestamp: number;
  /** Dimension name -> value; all of them form the document's one dimension set (may be empty). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly EmfMetric[];
}

/** The specification's limits. */
export const EMF_LIMITS = {
  /** Metric definitions per metric directive. */
  metricsPerDirective: 100,
  /** Dimension keys per dimension set. */
  dimensionsPerSet: 30,
  /** Values of one numeric array target. */
  valuesPerMetric: 100,
} as const;

/** An EMF document as written: the `_aws` metadata and the target members on the root. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: EmfUnit }[];
    }[];
  };
  readonly [member: string]: unknown;
}

/**
 * Builds one EMF document. Throws RangeError when the input breaks a limit of the specification
 * or a target member would collide with another member (a metric named like a dimension).
 *
 * @example
 * emfDocument({ namespace: 'EdgeTenantRouter', timestamp: Date.now(), dimensions: {},
 *   metrics: [{ name: 'Requests', unit: 'Count', value: 12 }] });
 */
export function emfDocument(input: EmfInput): EmfDocument {
  const { metrics, dimensions } = input;
  const dimensionKeys = Object.keys(dimensions);
  if (metrics.length === 0) throw new RangeError('an EMF document needs at least one metric');
  if (metrics.length > EMF_LIMITS.metricsPerDirective)
    throw new RangeError(`${metrics.length} metrics in one directive (at most 100)`);
  if (dimensionKeys.length > EMF_LIMITS.dimensionsPerSet)
    throw new RangeError(`${dimensionKeys.length} dimensions in one set (at most 30)`);
  if (!(input.namespace.length >= 1 && input.namespace.length <= 255))
    throw new RangeError('namespace must be 1-255 characters');
  const root: Record<string, unknown> = {};
  const claim = (name: string, value: unknown) => {
    if (name === '_aws' || Object.hasOwn(root, name))
      throw new RangeError(`EMF member ${JSON.stringify(name)} is used twice`);
    root[name] = value;
  };
  for (const key of dimensionKeys) claim(key, dimensions[key]);
  for (const metric of metrics) {
    const { value } = metric;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`metric ${metric.name} is not a finite number`);
    } else {
      if (value.length === 0 || value.length > EMF_LIMITS.valuesPerMetric)
        throw new RangeError(`metric ${metric.name} has ${value.length} values (1-100)`);
      if (!value.every(Number.isFinite)) throw new RangeError(`metric ${metric.name} has a non-finite value`);
    }
    claim(metric.name, typeof value === 'number' ? value : [...value]);
  }
  return {
    _aws: {
      Timestamp: Math.trunc(input.timestamp),
      CloudWatchMetrics: [
        {
          Namespace: input.namespace,
          Dimensions: [dimensionKeys],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...root,
  };
}
