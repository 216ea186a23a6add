/**
 * `npm run domains -- <command>`: customer domains (see --help, docs/custom-domains.md).
 */
import { interruptOnSigint, runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runDomainsCli } from './lib/domains/domains-cli.ts';

// Ctrl-C stops an import after the domains in flight (rerunning continues); the other commands
// are short and safe to kill anywhere (every step is idempotent).
const argv = process.argv.slice(2);
const io = argv[0] === 'import' ? { ...processIO, signal: interruptOnSigint() } : processIO;
runMain(() => runDomainsCli(argv, io), io);
