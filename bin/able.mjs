#!/usr/bin/env node
// The `able` command: TypeScript sources run through tsx, so the CLI and the app share one core.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
