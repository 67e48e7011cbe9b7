import type { Command } from '../main';

// Placeholder until the owning issue lands; exits non-zero so nothing mistakes it for a working command.
export const command: Command = {
  summary: '(not yet available)',
  usage: 'mi-studio run',
  async main() {
    process.stderr.write('mi-studio run: not implemented yet\n');
    return 3;
  },
};
