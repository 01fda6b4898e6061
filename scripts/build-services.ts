/**
 * Bundles each service's entry point (and the scraper's container healthcheck) into one
 * self-contained ESM file under dist/services/, the only code the service images carry.
 *
 * Every dependency is bundled rather than marked external: the images then need no
 * node_modules at all (no `npm ci --omit=dev` in the run stage, no registry access at run
 * time, nothing but `node` and one file), and esbuild drops the parts of each library the
 * service never imports. `createRequire` is provided because several bundled CommonJS
 * libraries (amqplib, @elastic/transport) `require()` Node built-ins, which an ESM bundle
 * has no `require` for.
 *
 * The scraper parses pages on worker threads (src/services/scraper/parse-pool.ts), so its
 * image also ships two thread entry points beside scraper.mjs: its parse task
 * (scraper-parse-worker.mjs) and piscina's own thread bootstrap, which piscina loads as
 * `worker.js` from its own folder (`__dirname`) and which is bundled as CommonJS, the way
 * piscina ships it.
 *
 * Usage: npm run build:services [-- <name>...]   (default: every entry below)
 */
import { build } from 'esbuild'
import type { BuildOptions, Metafile } from 'esbuild'
import { existsSync } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = path.join(ROOT, 'dist', 'services')

/** Output name (dist/services/<name>.mjs) -> entry point, relative to the repository root. */
const SERVICE_ENTRIES: Readonly<Record<string, string>> = {
  scraper: 'src/services/scraper/main.ts',
  api: 'src/services/api/main.ts',
  jobboard: 'src/services/jobboard/main.ts',
  'scraper-healthcheck': 'scripts/scraper-healthcheck.ts',
  'scraper-parse-worker': 'src/services/scraper/parse-worker.ts'
}

/** piscina's thread bootstrap, bundled to dist/services/worker.js (the name piscina looks for). */
const PISCINA_WORKER = 'node_modules/piscina/dist/worker.js'

const REQUIRE_SHIM = [
  "import { createRequire as __scrapedeckCreateRequire } from 'node:module';",
  'const require = __scrapedeckCreateRequire(import.meta.url);'
].join('\n')

/** What every bundle shares. */
const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Readable stack traces in `docker logs` matter more than the few hundred kB that
  // minifying identifiers would save next to a ~90 MB Node binary.
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning'
}

async function bundle(name: string, entry: string): Promise<{ bytes: number; inputs: number }> {
  const outfile = path.join(OUT_DIR, `${name}.mjs`)
  const result = await build({
    ...COMMON,
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    format: 'esm',
    target: 'node24', // the images' Node (docker/offline/build-images.sh, node:24-bookworm-slim)
    banner: { js: REQUIRE_SHIM },
    // Bundled CommonJS (piscina) finds its files through __dirname, which ESM lacks.
    define: { __dirname: 'import.meta.dirname' }
  })
  return { bytes: (await stat(outfile)).size, inputs: countInputs(result.metafile) }
}

/** CommonJS: piscina's worker.js require()s its siblings; dist/services/package.json says so. */
async function bundlePiscinaWorker(): Promise<{ bytes: number; inputs: number }> {
  const outfile = path.join(OUT_DIR, 'worker.js')
  const result = await build({
    ...COMMON,
    entryPoints: [path.join(ROOT, PISCINA_WORKER)],
    outfile,
    format: 'cjs',
    // An optional native module for `niceIncrement`, which we do not use.
    external: ['@napi-rs/nice']
  })
  await writeFile(path.join(OUT_DIR, 'package.json'), '{ "type": "commonjs" }\n')
  return { bytes: (await stat(outfile)).size, inputs: countInputs(result.metafile) }
}

function countInputs(metafile: Metafile | undefined): number {
  return metafile === undefined ? 0 : Object.keys(metafile.inputs).length
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2)
  // The scraper is never built without its parse thread: one without the other cannot run.
  const names =
    requested.length > 0
      ? requested.flatMap((name) => (name === 'scraper' ? [name, 'scraper-parse-worker'] : [name]))
      : Object.keys(SERVICE_ENTRIES)
  const missing: string[] = []
  for (const name of names) {
    const entry = SERVICE_ENTRIES[name]
    if (entry === undefined) {
      throw new Error(`Unknown service "${name}"; known: ${Object.keys(SERVICE_ENTRIES).join(', ')}`)
    }
    if (!existsSync(path.join(ROOT, entry))) missing.push(entry)
  }
  if (missing.length > 0) throw new Error(`Entry points not found: ${missing.join(', ')}`)

  for (const name of names) {
    const started = performance.now()
    const { bytes, inputs } = await bundle(name, SERVICE_ENTRIES[name] as string)
    const ms = Math.round(performance.now() - started)
    console.log(`dist/services/${name}.mjs  ${(bytes / 1024).toFixed(0)} kB from ${inputs} files  (${ms} ms)`)
  }
  if (names.includes('scraper')) {
    const { bytes, inputs } = await bundlePiscinaWorker()
    console.log(
      `dist/services/worker.js  ${(bytes / 1024).toFixed(0)} kB from ${inputs} files  (piscina's thread bootstrap)`
    )
  }
}

main().catch((error: unknown) => {
  console.error(`build:services failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
