/** `npm run docs:cli`: writes the generated docs (docs/cli.md) from the code they describe. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI_DOC_PATH, cliDoc } from './cli-doc'

const root = join(import.meta.dirname, '..', '..')
writeFileSync(join(root, CLI_DOC_PATH), cliDoc())
console.log(`wrote ${CLI_DOC_PATH}`)
