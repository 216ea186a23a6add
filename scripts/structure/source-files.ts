/**
 * The TypeScript modules the structure checks read: everything git tracks (or would track) under
 * the given folders, so build output and dependencies never count.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Repository-relative `.ts` paths under `roots` that exist in the working tree, tracked or
 * untracked-but-not-ignored, sorted.
 */
export function listSourceFiles(repoRoot: string, roots: readonly string[]): string[] {
  const output = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...roots],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return [...new Set(output.split('\0'))]
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter((file) => existsSync(join(repoRoot, file)))
    .sort();
}
