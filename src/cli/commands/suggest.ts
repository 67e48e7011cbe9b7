import type { Command } from '../main';

// Placeholder until the owning issue lands; exits non-zero so nothing mistakes it for a working command.
export const command: Command = {
  summary: '(not yet available)',
  usage: 'mi-studio suggest',
  async main() {
    process.stderr.write('mi-studio suggest: not implemented yet\n');
    return 3;
  },
};
