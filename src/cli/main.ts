/**
 * `mi-studio` command line: the same engine as the extension, headless.
 * Each command lives in src/cli/commands/<name>.ts and returns an exit code.
 * Progress and logs go to stderr; machine-readable results (paths, JSON) to stdout.
 */
import { formatCliError } from './errors';
import { PACKAGE_VERSION } from '../core/version';
import { exitAfterFlush } from './exit';
import * as validate from './commands/validate';
import * as featurize from './commands/featurize';
import * as run from './commands/run';
import * as suggest from './commands/suggest';
import * as simulate from './commands/simulate';
import * as report from './commands/report';
import * as pretrain from './commands/pretrain';

import type { Command } from './types';
export type { Command } from './types';

const commands: Record<string, Command> = {
  validate: validate.command,
  featurize: featurize.command,
  run: run.command,
  suggest: suggest.command,
  simulate: simulate.command,
  report: report.command,
  pretrain: pretrain.command,
};

function help(): string {
  const lines = ['usage: mi-studio <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `mi-studio <command> --help` for the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const cmd = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!cmd) {
    process.stderr.write(`mi-studio: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${cmd.usage}\n`);
    return 0;
  }
  return cmd.main(rest);
}

main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (err: unknown) => {
    process.stderr.write(formatCliError(err));
    exitAfterFlush(1);
  },
);
