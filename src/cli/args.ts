// Command-line arguments of the `able` commands: `--name value` options and one positional.

/** The value after `--name`; a flag given without a value is an error, not a silent undefined. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= args.length || args[i + 1].startsWith('--')) throw new Error(`${name} needs a value`);
  return args[i + 1];
}

/** A flag the command cannot run without; `missing` is the message when it is absent. */
export function requiredFlag(args: string[], name: string, missing: string): string {
  const v = flag(args, name);
  if (!v) throw new Error(missing);
  return v;
}

/** The first argument that is neither an option nor an option's value. */
export const positional = (args: string[]): string | undefined =>
  args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));

/** Every argument that is neither an option nor an option's value. */
export const positionals = (args: string[]): string[] => args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
