/**
 * `mi-studio suggest SPEC [--out DIR] [--seed N] [--no-cv]`: train on the dataset, then score candidates and write the next
 * experiments (requires an `optimize` section). Prints where suggestions.csv etc. are; the manifest path comes last.
 */
import type { Command } from '../types';
import { fileLines, runFromCli } from './run';

const USAGE = 'mi-studio suggest SPEC [--out DIR] [--seed N] [--no-cv] [--allow-outside]';

export const command: Command = {
  summary: 'train, then suggest the next experiments (needs `optimize` in the spec); prints the manifest path last',
  usage:
    `${USAGE}\n\n` +
    '  --out DIR   experiment folder for the run (default <spec dir>/<output.dir>/<name>/); the run goes to DIR/<run-id>/\n' +
    '  --seed N    override the spec seed\n' +
    '  --no-cv     skip cross-validation (as `evaluation: {cv: none}`): train on all rows and suggest, much faster\n' +
    '  --allow-outside  let the spec name data/output paths outside its own folder tree (only for specs you trust)',
  async main(args) {
    const r = await runFromCli('suggest', args, USAGE);
    if (r.manifest && r.manifestPath) {
      for (const l of fileLines(r.manifest, r.manifestPath)) process.stdout.write(l + '\n');
      process.stdout.write(r.manifestPath + '\n');
    }
    return r.code;
  },
};
