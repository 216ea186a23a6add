/**
 * The rules of CloudWatch's embedded metric format specification, as a checker of parsed log lines
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * Returns every broken rule, so a test can assert an empty list and see what is wrong otherwise.
 */

const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rules `line` (one log line's text) breaks; empty for a valid EMF document. */
export function emfViolations(line: string): string[] {
  const problems: string[] = [];
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    return ['not a JSON text'];
  }
  if (!isObject(root)) return ['root is not an object'];
  const aws = root._aws;
  if (!isObject(aws)) return ['_aws is missing or not an object'];
  if (!Number.isInteger(aws.Timestamp)) problems.push('_aws.Timestamp is not an integer');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0)
    return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  for (const [d, directive] of aws.CloudWatchMetrics.entries()) {
    const at = `CloudWatchMetrics[${d}]`;
    if (!isObject(directive)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    const ns = directive.Namespace;
    if (typeof ns !== 'string' || ns.length < 1 || ns.length > 255)
      problems.push(`${at}.Namespace is not 1-255 chars`);
    const sets = directive.Dimensions;
    if (!Array.isArray(sets) || sets.length === 0) problems.push(`${at}.Dimensions is not a non-empty array`);
    else
      for (const set of sets) {
        if (!Array.isArray(set) || set.length > 30)
          problems.push(`${at}: a dimension set is not an array of <= 30`);
        else
          for (const key of set) {
            if (typeof key !== 'string') problems.push(`${at}: dimension key ${String(key)} is not a string`);
            else if (typeof root[key] !== 'string')
              problems.push(`dimension target ${key} is not a string member`);
          }
      }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics) || metrics.length > 100) {
      problems.push(`${at}.Metrics is not an array of <= 100`);
      continue;
    }
    for (const metric of metrics) {
      if (!isObject(metric) || typeof metric.Name !== 'string') {
        problems.push(`${at}: a metric definition has no Name`);
        continue;
      }
      if (metric.Unit !== undefined && !UNITS.has(String(metric.Unit)))
        problems.push(`metric ${metric.Name}: unit ${String(metric.Unit)} is not a CloudWatch unit`);
      const target = root[metric.Name];
      const numeric = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
      if (Array.isArray(target)) {
        if (target.length > 100) problems.push(`metric ${metric.Name} has ${target.length} values (> 100)`);
        if (!target.every(numeric)) problems.push(`metric ${metric.Name} has a non-numeric value`);
      } else if (!numeric(target))
        problems.push(`metric target ${metric.Name} is not a number or an array of numbers`);
    }
  }
  return problems;
}
