/**
 * What ops-fuzz's histories say each claim's owner must be: the tenant the last successful command
 * touching it told it owns it (or nobody, after a remove-domain or a removal). Commands that
 * overlapped in time with that last one could have been applied in either order, so their outcomes
 * are allowed too. A claim touched by a killed command whose rerun did not succeed is left out
 * (its effect is unknown by design). Pure.
 */
import { claimOf } from '../lib/tenants/claims.ts';
import type { FuzzOp } from './fuzz-plan.ts';

/** One run of one command: killed (no end), or ended with an exit code. */
export interface Attempt {
  readonly worker: number;
  readonly index: number;
  readonly op: FuzzOp;
  readonly startedAt: number;
  readonly endedAt?: number | undefined;
  readonly code?: number | undefined;
  /** A rerun after the worker was killed in this command. */
  readonly rerun: boolean;
  /** The last line the command printed on stderr (its error, when it failed). */
  readonly detail?: string | undefined;
}

/** A claim's allowed owners (`null`: nobody). */
export type Expectations = ReadonlyMap<string, ReadonlySet<string | null>>;

interface Effect {
  readonly owner: string | null;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** The claims a command says something about, and who owns them after it (given what was told). */
function effectsOf(op: FuzzOp, told: ReadonlyMap<string, Effect[]>): [string, string | null][] {
  switch (op.kind) {
    case 'add':
      return op.domains.map((d) => [d, op.tenant]);
    case 'add-domain':
      return [[op.claim, op.tenant]];
    case 'remove-domain':
      return [[op.claim, null]];
    case 'remove':
      return [...told]
        .filter(([, effects]) => effects.at(-1)?.owner === op.tenant)
        .map(([claim]) => [claim, null]);
    default:
      return [];
  }
}

/** The claims a command may have touched (for a killed one). */
function touchedBy(op: FuzzOp, told: ReadonlyMap<string, Effect[]>): string[] {
  if (op.kind === 'remove')
    return [...told].filter(([, e]) => e.some((x) => x.owner === op.tenant)).map(([c]) => c);
  return effectsOf(op, told).map(([claim]) => claim);
}

/** The allowed owners of every claim the histories told anything about, and the claims left out. */
export function expectedOwners(attempts: readonly Attempt[]): {
  expectations: Expectations;
  uncertain: Set<string>;
} {
  const done = attempts
    .filter((a): a is Attempt & { endedAt: number } => a.endedAt !== undefined && a.code === 0)
    .sort((a, b) => a.endedAt - b.endedAt);
  const told = new Map<string, Effect[]>();
  for (const a of done) {
    for (const [claim, owner] of effectsOf(a.op, told)) {
      const list = told.get(claim) ?? [];
      list.push({ owner, startedAt: a.startedAt, endedAt: a.endedAt });
      told.set(claim, list);
      // A host nobody owns takes its path prefixes with it (they need the host).
      if (owner === null && !claim.includes('/')) {
        for (const [other, effects] of told)
          if (claimOf(other).host === claim && other !== claim && effects.at(-1)?.owner !== null)
            effects.push({ owner: null, startedAt: a.startedAt, endedAt: a.endedAt });
      }
    }
  }
  const uncertain = new Set<string>();
  for (const killed of attempts.filter((a) => a.endedAt === undefined)) {
    const rerun = attempts.find(
      (a) => a.rerun && a.worker === killed.worker && a.index === killed.index && a.code === 0,
    );
    if (rerun === undefined) for (const claim of touchedBy(killed.op, told)) uncertain.add(claim);
  }
  const expectations = new Map<string, Set<string | null>>();
  for (const [claim, effects] of told) {
    if (uncertain.has(claim)) continue;
    const last = effects.at(-1) as Effect;
    const allowed = new Set(effects.filter((e) => e.endedAt > last.startedAt).map((e) => e.owner));
    allowed.add(last.owner);
    expectations.set(claim, allowed);
  }
  return { expectations, uncertain };
}
