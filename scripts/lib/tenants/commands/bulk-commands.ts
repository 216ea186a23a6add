/**
 * `tenants import` and `tenants export`: JSON lines or CSV, idempotent, with a progress bar.
 */
import type { WriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { integerOption, parseArguments, UsageError } from '../../cli.ts';
import { type CliIO, printJson, type TextSink } from '../../cli-io.ts';
import { createProgress } from '../../progress.ts';
import { importTenants } from '../bulk-import.ts';
import { bulkFormatFor, CSV_COLUMNS, formatBulkLine, parseBulkRecords } from '../bulk-records.ts';
import { parseRegionInput, parseStatusInput, requireKnownRegion } from '../input-validation.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  openConnection,
  operationContextOf,
} from '../table-connection.ts';
import { InvalidInputError } from '../tenant-errors.ts';
import { allTenants } from '../tenant-listing.ts';
import type { TenantsCommand } from './command.ts';

const IMPORT_USAGE = `Usage: npm run tenants -- import <file|-> [--format jsonl|csv] [--dry-run] [options]

Adds the tenants of a file (JSON lines, or CSV with the header ${CSV_COLUMNS.join(',')};
CSV domains are separated by spaces). Every line is validated first: if any is invalid, the errors
are printed and nothing is written. Each line is then an idempotent add, so a rerun after a crash
completes the import and reports the rest as unchanged. A tenant that exists with other settings
is reported as failed and left alone.

Options:
  --format FORMAT   jsonl or csv (default: from the file extension, else jsonl)
  --concurrency N   writes in flight, 1-64 (default 8)
  --dry-run         validate and print the count, write nothing
${CONNECTION_HELP}`;

async function openOutput(path: string): Promise<WriteStream> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (error) {
    throw new InvalidInputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

async function readInput(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** `tenants import`. */
export const importCommand: TenantsCommand = {
  name: 'import',
  summary: 'bulk import tenants from JSON lines or CSV (idempotent)',
  usage: IMPORT_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants import',
        usage: IMPORT_USAGE,
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          format: { type: 'string' },
          concurrency: { type: 'string' },
          'dry-run': { type: 'boolean' },
        },
      },
      argv,
    );
    if (positionals.length !== 1) throw new UsageError('tenants import: expected <file> or - (see --help)');
    const path = positionals[0] as string;
    const format = bulkFormatFor(path, values.format);
    const concurrency = integerOption(values.concurrency, 'concurrency', 1, 64) ?? 8;
    // The file first: a missing or unreadable file is bad input, before any connection.
    const text = await readInput(path);
    const connection = await openConnection(values, io, { writes: values['dry-run'] !== true });
    try {
      const regions = await connection.table.getRegions();
      const parsed = parseBulkRecords(text, format, connection.config, regions);
      if (parsed.errors.length > 0) {
        for (const e of parsed.errors.slice(0, 20)) io.stderr.write(`${path}:${e.line}: ${e.message}\n`);
        const more = parsed.errors.length > 20 ? ` (first 20 shown)` : '';
        throw new InvalidInputError(`${parsed.errors.length} invalid line(s)${more}; nothing was imported`);
      }
      if (values['dry-run']) {
        if (values.json) printJson(io, { dryRun: true, valid: parsed.specs.length });
        else io.stdout.write(`${parsed.specs.length} valid tenant(s); nothing written (dry run)\n`);
        return 0;
      }
      const progress = createProgress({
        label: 'import',
        total: parsed.specs.length,
        stream: io.stderr,
      });
      const ctx = operationContextOf(connection, io);
      const summary = await importTenants(ctx, parsed.specs, {
        concurrency,
        regions,
        onProgress: (done, failed) => progress.update(done, failed > 0 ? `${failed} failed` : undefined),
        signal: io.signal,
      });
      progress.finish();
      if (values.json) printJson(io, summary);
      else {
        for (const f of summary.failures.slice(0, 20))
          io.stderr.write(`${path}:${f.line}: ${f.tenantId}: ${f.message}\n`);
        if (summary.failures.length > 20)
          io.stderr.write(`... and ${summary.failures.length - 20} more (see --json)\n`);
        io.stdout.write(
          `${summary.total} tenant(s): ${summary.created} created, ${summary.repaired} repaired, ${summary.unchanged} unchanged, ${summary.failed} failed\n`,
        );
      }
      return summary.failed > 0 ? 1 : 0;
    } finally {
      connection.close();
    }
  },
};

const EXPORT_USAGE = `Usage: npm run tenants -- export [--out FILE] [--format jsonl|csv] [--home REGION] [--status STATUS] [options]

Writes every tenant (or those of one region / status) in the import format, streamed page by page.

Options:
  --out FILE        write here instead of stdout
  --format FORMAT   jsonl or csv (default: from --out's extension, else jsonl)
  --home REGION     only tenants living in REGION
  --status STATUS   only tenants with this status
${CONNECTION_HELP}`;

/** `tenants export`. */
export const exportCommand: TenantsCommand = {
  name: 'export',
  summary: 'export tenants as JSON lines or CSV',
  usage: EXPORT_USAGE,
  async run(argv, io: CliIO) {
    const { values } = parseArguments(
      {
        name: 'tenants export',
        usage: EXPORT_USAGE,
        options: {
          ...CONNECTION_OPTIONS,
          out: { type: 'string' },
          format: { type: 'string' },
          home: { type: 'string' },
          status: { type: 'string' },
        },
      },
      argv,
    );
    const format = bulkFormatFor(values.out, values.format);
    const region = values.home === undefined ? undefined : parseRegionInput(values.home);
    const status = values.status === undefined ? undefined : parseStatusInput(values.status);
    // The file first: one that cannot be written is bad input, named, before any connection.
    const file = values.out === undefined ? undefined : await openOutput(values.out);
    const connection = await openConnection(values, io);
    const sink: TextSink = file ?? io.stdout;
    try {
      if (region !== undefined) requireKnownRegion(region, await connection.table.getRegions());
      const progress = createProgress({ label: 'export', stream: io.stderr });
      if (format === 'csv') sink.write(`${CSV_COLUMNS.join(',')}\n`);
      let count = 0;
      for await (const tenant of allTenants(connection.table, { region, status })) {
        sink.write(`${formatBulkLine(tenant.record, format)}\n`);
        progress.update(++count);
      }
      progress.finish();
      if (file !== undefined) {
        file.end();
        await finished(file);
        if (values.json) printJson(io, { exported: count, out: values.out });
        else io.stdout.write(`${count} tenant(s) written to ${values.out}\n`);
      } else io.stderr.write(`${count} tenant(s) exported\n`);
      return 0;
    } finally {
      connection.close();
    }
  },
};
