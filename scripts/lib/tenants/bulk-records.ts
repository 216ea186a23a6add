/**
 * The bulk format of tenants, shared by `import` and `export`: JSON lines or CSV with the columns
 * `tenantId,region,domains,origin,failoverRegion,status` (CSV `domains` separated by spaces).
 * Parsing validates every line before anything is written.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { RouterConfig } from '../../../edge/config.ts';
import type { RegionsRecord, TenantRecord } from '../../../edge/model.ts';
import { claimKey } from './claims.ts';
import {
  formatOrigin,
  parseClaimInput,
  parseOriginInput,
  parseRegionInput,
  parseStatusInput,
  parseTenantIdInput,
  requireKnownRegion,
} from './input-validation.ts';
import { InvalidInputError } from './tenant-errors.ts';
import type { TenantSpec } from './tenant-lifecycle.ts';

/** Formats of bulk files. */
export type BulkFormat = 'jsonl' | 'csv';

/** CSV columns, in order. */
export const CSV_COLUMNS = ['tenantId', 'region', 'domains', 'origin', 'failoverRegion', 'status'] as const;

/** One line of a bulk file as plain strings. */
interface RawRecord {
  readonly tenantId?: unknown;
  readonly region?: unknown;
  readonly domains?: unknown;
  readonly origin?: unknown;
  readonly failoverRegion?: unknown;
  readonly status?: unknown;
}

/** The result of parsing a bulk file: valid specs with their line numbers, and every problem. */
export interface ParsedBulk {
  readonly specs: readonly { readonly line: number; readonly spec: TenantSpec }[];
  readonly errors: readonly { readonly line: number; readonly message: string }[];
}

/** Picks the format from `--format`, else the file extension (`.csv`), else JSON lines. */
export function bulkFormatFor(path: string | undefined, explicit: string | undefined): BulkFormat {
  if (explicit !== undefined) {
    if (explicit !== 'jsonl' && explicit !== 'csv')
      throw new InvalidInputError(`--format must be jsonl or csv, got ${JSON.stringify(explicit)}`);
    return explicit;
  }
  return path?.toLowerCase().endsWith('.csv') === true ? 'csv' : 'jsonl';
}

function rawRecords(text: string, format: BulkFormat): { line: number; raw: RawRecord | Error }[] {
  if (format === 'csv') {
    const rows = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return rows.map(({ record, info }) => ({ line: info.lines, raw: record }));
  }
  const out: { line: number; raw: RawRecord | Error }[] = [];
  text.split('\n').forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    try {
      const value: unknown = JSON.parse(lineText);
      const raw: RawRecord | Error =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? value
          : new Error('each line must be a JSON object');
      out.push({ line: i + 1, raw });
    } catch (error) {
      out.push({ line: i + 1, raw: new Error(`not JSON: ${(error as Error).message}`) });
    }
  });
  return out;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${field} must be a string`);
  return value;
}

function specFromRaw(raw: RawRecord, config: RouterConfig, regions: RegionsRecord | undefined): TenantSpec {
  const tenantId = parseTenantIdInput(optionalString(raw.tenantId, 'tenantId') ?? '');
  const region = parseRegionInput(optionalString(raw.region, 'region') ?? '');
  requireKnownRegion(region, regions);
  let domainList: unknown[];
  if (Array.isArray(raw.domains)) domainList = raw.domains;
  else domainList = (optionalString(raw.domains, 'domains') ?? '').split(/[\s;]+/).filter((d) => d !== '');
  const domains = domainList.map((d) => {
    if (typeof d !== 'string') throw new Error('domains must be strings');
    return claimKey(parseClaimInput(d, config));
  });
  const originText = optionalString(raw.origin, 'origin');
  const failoverText = optionalString(raw.failoverRegion, 'failoverRegion');
  const failoverRegion = failoverText === undefined ? undefined : parseRegionInput(failoverText);
  if (failoverRegion !== undefined) requireKnownRegion(failoverRegion, regions);
  const statusText = optionalString(raw.status, 'status');
  return {
    tenantId,
    region,
    domains,
    origin: originText === undefined ? undefined : parseOriginInput(originText, config.allowedOriginSuffixes),
    failoverRegion,
    status: statusText === undefined ? undefined : parseStatusInput(statusText),
  };
}

/**
 * Parses and validates a whole bulk file. A tenant or domain appearing on two lines is an error:
 * an import must be unambiguous.
 */
export function parseBulkRecords(
  text: string,
  format: BulkFormat,
  config: RouterConfig,
  regions: RegionsRecord | undefined,
): ParsedBulk {
  const specs: { line: number; spec: TenantSpec }[] = [];
  const errors: { line: number; message: string }[] = [];
  let records: { line: number; raw: RawRecord | Error }[];
  try {
    records = rawRecords(text, format);
  } catch (error) {
    return { specs, errors: [{ line: 0, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const tenantLines = new Map<string, number>();
  const domainLines = new Map<string, number>();
  for (const { line, raw } of records) {
    try {
      if (raw instanceof Error) throw raw;
      const spec = specFromRaw(raw, config, regions);
      const seen = tenantLines.get(spec.tenantId);
      if (seen !== undefined) throw new Error(`tenant ${spec.tenantId} is also on line ${seen}`);
      for (const host of spec.domains) {
        const other = domainLines.get(host);
        if (other !== undefined) throw new Error(`domain ${host} is also on line ${other}`);
      }
      tenantLines.set(spec.tenantId, line);
      for (const host of spec.domains) domainLines.set(host, line);
      specs.push({ line, spec });
    } catch (error) {
      errors.push({ line, message: (error as Error).message });
    }
  }
  return { specs, errors };
}

/** The export form of a tenant (what `import` reads back). */
export function tenantToBulkRecord(record: TenantRecord): Record<(typeof CSV_COLUMNS)[number], unknown> {
  return {
    tenantId: record.tenantId,
    region: record.region,
    domains: record.domains ?? [],
    origin: record.origin === undefined ? undefined : formatOrigin(record.origin),
    failoverRegion: record.failoverRegion,
    status: record.status,
  };
}

/** One CSV field, quoted when needed. */
function csvField(value: unknown): string {
  const text = Array.isArray(value) ? value.join(' ') : value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One export line (without the newline) in the given format. */
export function formatBulkLine(record: TenantRecord, format: BulkFormat): string {
  const bulk = tenantToBulkRecord(record);
  if (format === 'jsonl') return JSON.stringify(bulk);
  return CSV_COLUMNS.map((c) => csvField(bulk[c])).join(',');
}
