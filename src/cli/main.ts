import { commands } from './commands';
import './atlas-commands';
import './bench';
import './embed';
import './info';
import './lab';
import './reaggregate';

/** --help lists the commands in these groups, in this order (any other command goes last). */
const GROUPS: [string, string[]][] = [
  ['Embed one model', ['embed', 'reaggregate']],
  ['Build an atlas', ['atlas build', 'atlas merge', 'atlas eval']],
  ['The lineage lab', ['lab ablate', 'lab stability', 'lab convergence', 'lab shipped']],
  ['This machine', ['info', 'bench']],
];

function usage(): string {
  const listed = new Set(GROUPS.flatMap(([, names]) => names));
  const groups: [string, string[]][] = [...GROUPS, ['Other', commands.map((c) => c.name).filter((n) => !listed.has(n))]];
  const lines = groups.flatMap(([title, names]) => {
    const cmds = names.flatMap((n) => commands.filter((c) => c.name === n));
    return cmds.length ? ['', `${title}:`, ...cmds.map((c) => `  ${c.name.padEnd(16)}${c.summary}`)] : [];
  });
  return ['able: ABLE embeddings and atlases of language models', '', 'Usage: able <command> [options]', ...lines, '', 'Run `able <command> --help` for the options of one command.'].join('\n');
}

/** Entry point; returns the process exit code. Errors are printed as one clear line, no stack. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version') {
    console.log((await import('../../package.json', { with: { type: 'json' } })).default.version);
    return 0;
  }
  // Commands with a space in their name ("atlas build") take two words.
  const cmd = commands.find((c) => c.name === name) ?? commands.find((c) => c.name === `${name} ${rest[0]}`);
  if (!cmd) {
    console.error(`able: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  const args = cmd.name.includes(' ') ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`able ${cmd.name}: ${cmd.summary}\n\n${cmd.help}`);
    return 0;
  }
  try {
    return (await cmd.run(args)) ?? 0;
  } catch (e) {
    console.error(`able ${cmd.name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.ABLE_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  }
}
