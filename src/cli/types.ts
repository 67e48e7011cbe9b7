/** What every `src/cli/commands/<name>.ts` exports as `command` (kept apart from main.ts so commands never import it). */
export interface Command {
  summary: string;
  usage: string;
  main(args: string[]): Promise<number>;
}
