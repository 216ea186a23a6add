/**
 * `npm run lint:structure` (part of `npm run lint`): checks the repository's structure rules
 * (scripts/structure/structure-rules.ts) over every module and prints each violation as
 * `file:line rule: message`. Exit 1 when a rule is broken or a pending exception is stale.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, runMain, writeHelp } from './lib/cli.ts';
import { type ModuleFacts, readModuleFacts } from './structure/module-facts.ts';
import { listSourceFiles } from './structure/source-files.ts';
import { CHECKED_ROOTS, STRUCTURE_POLICY } from './structure/structure-policy.ts';
import { checkStructure } from './structure/structure-rules.ts';

const USAGE = `
Usage: npm run lint:structure [-- --verbose]

Checks the structure rules over edge/, infra/, scripts/ and test/: no import cycle between
folders, edge/ imports only edge/ and packages, no function over 100 lines in scripts/ or infra/,
no cast to a table record type or the migration state outside test/.

Options:
  --verbose    also list the pending exceptions one by one
  -h, --help   show this help
`;

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

runMain(async () => {
  const line = parseCommandLine(
    { name: 'check-structure', usage: USAGE, options: { verbose: { type: 'boolean' } } },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const modules = new Map<string, ModuleFacts>();
  for (const file of listSourceFiles(REPO_ROOT, CHECKED_ROOTS)) {
    try {
      modules.set(file, readModuleFacts(readFileSync(join(REPO_ROOT, file), 'utf8')));
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  const report = checkStructure(modules, STRUCTURE_POLICY);
  for (const v of report.violations) process.stderr.write(`${v.file}:${v.line} ${v.rule}: ${v.message}\n`);
  for (const p of report.stale) {
    process.stderr.write(`${p.file} ${p.rule}: pending exception no longer matches; remove it\n`);
  }
  if (values.verbose === true) {
    for (const p of report.pending)
      process.stderr.write(`pending ${p.file}:${p.line} ${p.rule}: ${p.reason}\n`);
  }
  const failed = report.violations.length + report.stale.length;
  process.stdout.write(
    `structure: ${modules.size} modules, ${failed === 0 ? 'ok' : `${failed} problem(s)`}` +
      `${report.pending.length > 0 ? `, ${report.pending.length} pending exception(s) (--verbose)` : ''}\n`,
  );
  return failed === 0 ? 0 : 1;
});
