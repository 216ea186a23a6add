import { describe, expect, it } from 'vitest';
import { type ModuleFacts, readModuleFacts } from '../../scripts/structure/module-facts.ts';
import { checkStructure, type StructurePolicy } from '../../scripts/structure/structure-rules.ts';

const policy: StructurePolicy = {
  maxFunctionLines: 100,
  functionLengthRoots: ['scripts/', 'infra/'],
  selfContainedRoot: 'edge/',
  recordTypes: new Set(['TenantRecord', 'MigrationState']),
  castExemptRoots: ['test/'],
  pending: [],
};

/** A function of `lines` lines, from `function` to its closing brace. */
const functionOf = (name: string, lines: number) =>
  `export function ${name}() {\n${'  call();\n'.repeat(lines - 2)}}\n`;

const modules = (sources: Record<string, string>) =>
  new Map<string, ModuleFacts>(Object.entries(sources).map(([file, text]) => [file, readModuleFacts(text)]));

describe('readModuleFacts', () => {
  it('finds static, type-only, re-exported, dynamic and child-process entry dependencies', () => {
    const facts = readModuleFacts(
      [
        "import { a } from './a.ts';",
        "import type { B } from '../b/b.ts';",
        "export { c } from './c.ts';",
        "export * from './d.ts';",
        "const e = await import('./e.ts');",
        "const entry = new URL('./child.ts', import.meta.url);",
        "const data = new URL('./data.json', import.meta.url);",
        "import { readFile } from 'node:fs/promises';",
      ].join('\n'),
    );
    expect(facts.dependencies).toEqual([
      { specifier: './a.ts', line: 1, kind: 'import' },
      { specifier: '../b/b.ts', line: 2, kind: 'import' },
      { specifier: './c.ts', line: 3, kind: 'import' },
      { specifier: './d.ts', line: 4, kind: 'import' },
      { specifier: './e.ts', line: 5, kind: 'import' },
      { specifier: './child.ts', line: 6, kind: 'entry' },
      { specifier: 'node:fs/promises', line: 8, kind: 'import' },
    ]);
  });

  it('measures every function from its first line to its last, named by what holds it', () => {
    const facts = readModuleFacts(
      [
        'function declared() {', // 1
        '  return 1;',
        '}',
        'const arrow = () =>', // 4
        '  2;',
        'const object = {',
        '  method() {', // 7
        '    return 3;',
        '  },',
        '};',
        'class Thing {',
        '  run(): void {}', // 12
        '}',
      ].join('\n'),
    );
    expect(facts.functions).toEqual([
      { name: 'declared', startLine: 1, endLine: 3, lines: 3 },
      { name: 'arrow', startLine: 4, endLine: 5, lines: 2 },
      { name: 'method', startLine: 7, endLine: 9, lines: 3 },
      { name: 'run', startLine: 12, endLine: 12, lines: 1 },
    ]);
  });

  it('names the types a cast asserts, not those only inside a generic', () => {
    const facts = readModuleFacts(
      [
        'const a = x as TenantRecord;',
        'const b = y as TenantRecord | undefined;',
        'const c = z as Promise<TenantRecord>;',
        'const d = <MigrationState>w;',
      ].join('\n'),
    );
    expect(facts.casts).toEqual([
      { line: 1, typeNames: ['TenantRecord'] },
      { line: 2, typeNames: ['TenantRecord'] },
      { line: 3, typeNames: ['Promise'] },
      { line: 4, typeNames: ['MigrationState'] },
    ]);
  });
});

describe('checkStructure', () => {
  it('reports sibling folders that import each other, naming each import', () => {
    const report = checkStructure(
      modules({
        'scripts/a/one.ts': "import { two } from '../b/two.ts';",
        'scripts/b/two.ts': "export const two = 2;\nconst entry = new URL('../a/one.ts', import.meta.url);",
      }),
      policy,
    );
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({ rule: 'folder-cycle', file: 'scripts/a/one.ts', line: 1 });
    expect(report.violations[0]?.message).toContain('scripts/a -> scripts/b (scripts/a/one.ts:1');
    expect(report.violations[0]?.message).toContain('scripts/b -> scripts/a (scripts/b/two.ts:2');
  });

  it('finds a cycle through three folders and accepts a folder using its parent and children', () => {
    const cycle = checkStructure(
      modules({
        'scripts/a/x.ts': "import '../b/y.ts';",
        'scripts/b/y.ts': "import '../c/z.ts';",
        'scripts/c/z.ts': "import '../a/x.ts';",
      }),
      policy,
    );
    expect(cycle.violations.map((v) => v.rule)).toEqual(['folder-cycle']);
    const nested = checkStructure(
      modules({
        'scripts/lib/cli.ts': "import './tenants/table.ts';",
        'scripts/lib/tenants/table.ts': "import '../cli.ts';",
        'scripts/tool.ts': "import './lib/cli.ts';",
      }),
      policy,
    );
    expect(nested.violations).toEqual([]);
  });

  it('refuses an import out of edge/ and allows packages and edge itself', () => {
    const report = checkStructure(
      modules({
        'edge/handler.ts': [
          "import { x } from './x.ts';",
          "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
          "import { cli } from '../scripts/lib/cli.ts';",
        ].join('\n'),
        'edge/x.ts': 'export const x = 1;',
        'scripts/lib/cli.ts': 'export const cli = 1;',
      }),
      policy,
    );
    expect(report.violations).toEqual([
      expect.objectContaining({ rule: 'edge-upward-import', file: 'edge/handler.ts', line: 3 }),
    ]);
  });

  it('holds functions in scripts/ and infra/ to 100 lines, and nothing else', () => {
    const report = checkStructure(
      modules({
        'scripts/a/fits.ts': functionOf('fits', 100),
        'scripts/a/long.ts': functionOf('tooLong', 101),
        'infra/long.ts': functionOf('alsoLong', 150),
        'edge/long.ts': functionOf('edgeLong', 150),
        'test/unit/long.test.ts': functionOf('testLong', 150),
      }),
      policy,
    );
    expect(report.violations.map((v) => [v.file, v.name])).toEqual([
      ['scripts/a/long.ts', 'tooLong'],
      ['infra/long.ts', 'alsoLong'],
    ]);
    expect(report.violations[0]?.message).toBe(
      'tooLong is 101 lines (at most 100): split it into named steps',
    );
  });

  it('refuses a cast to a record type outside test/', () => {
    const report = checkStructure(
      modules({
        'scripts/a/cast.ts': 'const t = parsed as TenantRecord;\nconst n = other as number;',
        'edge/state.ts': 'const s = raw as MigrationState | undefined;',
        'test/unit/cast.test.ts': 'const t = malformed as TenantRecord;',
      }),
      policy,
    );
    expect(report.violations.map((v) => [v.rule, v.file, v.line])).toEqual([
      ['record-cast', 'scripts/a/cast.ts', 1],
      ['record-cast', 'edge/state.ts', 1],
    ]);
  });

  it('reports a pending exception instead of failing, and fails once it no longer matches', () => {
    const sources = modules({ 'scripts/a/long.ts': functionOf('tooLong', 120) });
    const pending = { rule: 'long-function' as const, file: 'scripts/a/long.ts', reason: 'being split' };
    const stale = { rule: 'long-function' as const, file: 'scripts/a/gone.ts', reason: 'already split' };
    const report = checkStructure(sources, { ...policy, pending: [pending, stale] });
    expect(report.violations).toEqual([]);
    expect(report.pending).toEqual([
      expect.objectContaining({ file: 'scripts/a/long.ts', name: 'tooLong', reason: 'being split' }),
    ]);
    expect(report.stale).toEqual([stale]);
  });
});
