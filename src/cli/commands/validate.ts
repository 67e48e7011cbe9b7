import type { Command } from '../main';

// Placeholder until the owning issue lands; exits non-zero so nothing mistakes it for a working command.
export const command: Command = {
  summary: '(not yet available)',
  usage: 'mi-studio validate',
  async main() {
    process.stderr.write('mi-studio validate: not implemented yet\n');
    return 3;
  },
};
