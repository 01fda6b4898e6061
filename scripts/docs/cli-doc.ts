/** docs/cli.md, made from the CLI's own usage text (the one `deck --help` prints). */
import { USAGE } from '../../src/main/cli/cli-args'

export const CLI_DOC_PATH = 'docs/cli.md'

export function cliDoc(): string {
  return [
    '# The `deck` command',
    '',
    '<!-- Generated from src/main/cli/cli-args.ts (USAGE) by `npm run docs:cli`; edit the usage text there, not this file. -->',
    '',
    '`npm run deck -- <command>` drives the same panel session as the desktop app and the web shell,',
    'from a terminal. `npm run deck -- --help` prints this text:',
    '',
    '```text',
    USAGE,
    '```',
    ''
  ].join('\n')
}
