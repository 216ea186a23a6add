/**
 * The structure rules of the repository, as a pure function of every module's facts: no import
 * cycle between folders (a folder and its subfolders count as one: `scripts/lib/tenants` may use
 * `scripts/lib`, and `scripts/lib` its subfolders; siblings must not import each other back), nothing in edge/ importing from outside edge/, no function over 100 lines
 * in scripts/ or infra/, and no `as` cast to a table record type or the migration state (those
 * values must come out of a validating parser, never be asserted).
 */
import { posix } from 'node:path';
import type { ModuleFacts } from './module-facts.ts';

/** One broken rule. */
export interface Violation {
  readonly rule: StructureRule;
  /** Repository-relative path, `/`-separated. */
  readonly file: string;
  readonly line: number;
  /** The function or cast type the violation is about, for matching a pending exception. */
  readonly name?: string;
  readonly message: string;
}

/** The rules checked. */
export type StructureRule = 'folder-cycle' | 'edge-upward-import' | 'long-function' | 'record-cast';

/** A violation accepted for now, with the reason (work another branch owns); reported, not failed. */
export interface PendingException {
  readonly rule: StructureRule;
  readonly file: string;
  /** For `long-function` and `record-cast`, which one; omitted: every one in the file. */
  readonly name?: string;
  readonly reason: string;
}

/** Settings of {@link checkStructure}. */
export interface StructurePolicy {
  /** Longest function allowed, in lines from its first to its last. */
  readonly maxFunctionLines: number;
  /** Folders (prefixes) whose functions are held to {@link maxFunctionLines}. */
  readonly functionLengthRoots: readonly string[];
  /** Folder (prefix) that may import only itself and packages. */
  readonly selfContainedRoot: string;
  /** Type names no cast may target: the validated records and the migration state. */
  readonly recordTypes: ReadonlySet<string>;
  /** Folders (prefixes) exempt from the cast rule (tests build malformed values on purpose). */
  readonly castExemptRoots: readonly string[];
  readonly pending: readonly PendingException[];
}

/** What {@link checkStructure} found. */
export interface StructureReport {
  readonly violations: readonly Violation[];
  /** Violations matched by a pending exception. */
  readonly pending: readonly (Violation & { readonly reason: string })[];
  /** Pending exceptions that no longer match anything: remove them. */
  readonly stale: readonly PendingException[];
}

/** Checks every rule over the modules (repository-relative path -> facts). */
export function checkStructure(
  modules: ReadonlyMap<string, ModuleFacts>,
  policy: StructurePolicy,
): StructureReport {
  const found = [
    ...folderCycles(modules),
    ...upwardImports(modules, policy.selfContainedRoot),
    ...longFunctions(modules, policy),
    ...recordCasts(modules, policy),
  ];
  const violations: Violation[] = [];
  const pending: (Violation & { reason: string })[] = [];
  const used = new Set<PendingException>();
  for (const violation of found) {
    const exception = policy.pending.find((p) => matches(p, violation));
    if (exception === undefined) violations.push(violation);
    else {
      used.add(exception);
      pending.push({ ...violation, reason: exception.reason });
    }
  }
  return { violations, pending, stale: policy.pending.filter((p) => !used.has(p)) };
}

function matches(exception: PendingException, violation: Violation): boolean {
  return (
    exception.rule === violation.rule &&
    exception.file === violation.file &&
    (exception.name === undefined || exception.name === violation.name)
  );
}

/** The repository-relative file a relative specifier points at; undefined for a package. */
export function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  return posix.normalize(posix.join(posix.dirname(fromFile), specifier));
}

function folderOf(file: string): string {
  return posix.dirname(file);
}

/** True when one folder contains the other: a folder and its subfolders are one package. */
function nested(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`) || a === '.' || b === '.';
}

/** Folder -> folder edges, each with the first import that makes it. */
function folderGraph(modules: ReadonlyMap<string, ModuleFacts>) {
  const edges = new Map<string, Map<string, { file: string; line: number; target: string }>>();
  for (const [file, facts] of modules) {
    const from = folderOf(file);
    for (const dependency of facts.dependencies) {
      const target = resolveSpecifier(file, dependency.specifier);
      if (target === undefined) continue;
      const to = folderOf(target);
      if (nested(from, to)) continue;
      const out = edges.get(from) ?? new Map();
      edges.set(from, out);
      if (!out.has(to)) out.set(to, { file, line: dependency.line, target });
    }
  }
  return edges;
}

function folderCycles(modules: ReadonlyMap<string, ModuleFacts>): Violation[] {
  const edges = folderGraph(modules);
  const violations: Violation[] = [];
  for (const component of stronglyConnected(edges)) {
    if (component.length < 2) continue;
    const members = [...component].sort();
    const inside = new Set(members);
    const links = members.flatMap((from) =>
      [...(edges.get(from) ?? [])]
        .filter(([to]) => inside.has(to))
        .map(([to, via]) => ({ from, to, ...via })),
    );
    const first = links[0];
    violations.push({
      rule: 'folder-cycle',
      file: first?.file ?? (members[0] as string),
      line: first?.line ?? 0,
      message: `folders import each other: ${links
        .map((l) => `${l.from} -> ${l.to} (${l.file}:${l.line} imports ${l.target})`)
        .join('; ')}`,
    });
  }
  return violations;
}

/** Tarjan's algorithm: the strongly connected components of the folder graph. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const nodes = new Set<string>([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const connect = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) connect(node);
  return components;
}

function upwardImports(modules: ReadonlyMap<string, ModuleFacts>, root: string): Violation[] {
  const violations: Violation[] = [];
  for (const [file, facts] of modules) {
    if (!file.startsWith(root)) continue;
    for (const dependency of facts.dependencies) {
      const target = resolveSpecifier(file, dependency.specifier);
      if (target === undefined || target.startsWith(root)) continue;
      violations.push({
        rule: 'edge-upward-import',
        file,
        line: dependency.line,
        message: `${root} imports only itself and packages, not ${dependency.specifier}`,
      });
    }
  }
  return violations;
}

function longFunctions(modules: ReadonlyMap<string, ModuleFacts>, policy: StructurePolicy): Violation[] {
  const violations: Violation[] = [];
  for (const [file, facts] of modules) {
    if (!policy.functionLengthRoots.some((root) => file.startsWith(root))) continue;
    for (const fn of facts.functions) {
      if (fn.lines <= policy.maxFunctionLines) continue;
      violations.push({
        rule: 'long-function',
        file,
        line: fn.startLine,
        name: fn.name,
        message: `${fn.name} is ${fn.lines} lines (at most ${policy.maxFunctionLines}): split it into named steps`,
      });
    }
  }
  return violations;
}

function recordCasts(modules: ReadonlyMap<string, ModuleFacts>, policy: StructurePolicy): Violation[] {
  const violations: Violation[] = [];
  for (const [file, facts] of modules) {
    if (policy.castExemptRoots.some((root) => file.startsWith(root))) continue;
    for (const cast of facts.casts) {
      const named = cast.typeNames.filter((name) => policy.recordTypes.has(name));
      if (named.length === 0) continue;
      violations.push({
        rule: 'record-cast',
        file,
        line: cast.line,
        name: named.join('|'),
        message: `cast to ${named.join(', ')}: take the value from the validating parser (edge/items.ts) or a type guard`,
      });
    }
  }
  return violations;
}
