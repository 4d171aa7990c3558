/** The registry of `able` commands; each command file adds itself here. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[]): Promise<number | undefined>;
}

export const commands: Command[] = [];
