/**
 * Loads compose.yaml: YAML → interpolation → schema → normalized ComposeProject. Every
 * problem is reported with the file, line and key; nothing is touched until a file loads.
 */
import { readFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { createHash } from 'node:crypto'
import { LineCounter, parseDocument } from 'yaml'
import type { Document } from 'yaml'
import type { z } from 'zod'
import { ComposeFileError, formatPath } from './compose-error'
import type { ComposeIssue, IssueAt } from './compose-error'
import { interpolateTree } from './compose-interpolation'
import { normalizeProject } from './compose-normalize'
import { ComposeFileSchema, KNOWN_UNSUPPORTED_KEYS } from './compose-schema'
import type { ComposeProject, ComposeSource } from './compose-model'
import { locate } from './yaml-locator'
import { readEnvFile } from './env-file'
import { parseComposeCompat } from './compose-labels'
import type { ComposeFlavour } from './compose-labels'

/** A compose file is kilobytes; one of megabytes is a mistake or an attack, and would stall the panel for seconds. */
const MAX_COMPOSE_FILE_BYTES = 1024 * 1024
/** Compose nests a handful of levels; a deeper (or self-referring) tree would overflow the stack of every walk below. */
const MAX_TREE_DEPTH = 64

export interface LoadComposeOptions {
  file: string
  /** Project name; else COMPOSE_PROJECT_NAME (environment, env files), else the file's `name:`, else the directory's name. */
  project?: string
  /** Env files read for ${VAR} interpolation, in order (later wins); missing files are skipped. */
  envFiles?: string[]
  /** The shell environment; it wins over env files, as with the Compose CLI. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Which Compose new containers imitate; default DECK_COMPOSE_COMPAT from that environment, else v2. */
  compat?: ComposeFlavour
}

export function loadComposeProject(options: LoadComposeOptions): ComposeProject {
  const file = resolve(options.file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const message = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message
    throw new ComposeFileError('ComposeFileNotFound', file, [
      { line: null, column: null, key: '', message, unsupported: false }
    ])
  }
  return parseComposeText(text, { ...options, file })
}

/** The same as loadComposeProject, from text (the file name is used in messages and to resolve paths). */
export function parseComposeText(text: string, options: LoadComposeOptions): ComposeProject {
  const file = resolve(options.file)
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_COMPOSE_FILE_BYTES) {
    const size = `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    throw new ComposeFileError('ComposeFileInvalid', file, [
      {
        line: null,
        column: null,
        key: '',
        message: `the file is ${size}; a compose file may be at most ${MAX_COMPOSE_FILE_BYTES / 1024 / 1024} MiB`,
        unsupported: false
      }
    ])
  }
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): ComposeIssue => {
      const pos = lines.linePos(e.pos[0])
      return {
        line: pos.line,
        column: pos.col,
        key: '',
        message: `YAML: ${e.message.split('\n')[0]}`,
        unsupported: false
      }
    })
    throw new ComposeFileError('ComposeFileInvalid', file, issues)
  }

  const issues: ComposeIssue[] = []
  const at: At = (path, message, { unsupported = false, childKey } = {}) => {
    const pos = locate(doc, lines, path, childKey)
    const key = formatPath(childKey === undefined ? path : [...path, childKey])
    issues.push({ line: pos?.line ?? null, column: pos?.column ?? null, key, message, unsupported })
  }
  const fail = (): never => {
    throw new ComposeFileError(
      issues.every((i) => i.unsupported) ? 'ComposeUnsupported' : 'ComposeFileInvalid',
      file,
      issues
    )
  }

  const tree = withoutExtensions(plainTree(doc, at, fail))
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    at([], 'the file must be a YAML map with a `services:` key')
    fail()
  }
  const env = interpolationEnv(dirname(file), options)
  const interpolated = interpolateTree(tree, env, (path, err) => at(path, err.message))
  if (issues.length > 0) fail()

  const parsed = ComposeFileSchema.safeParse(interpolated)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportSchemaIssue(issue, interpolated, at)
    fail()
  }
  if (!parsed.success) throw new Error('unreachable')

  const project =
    options.project || env['COMPOSE_PROJECT_NAME'] || parsed.data.name || defaultProjectName(dirname(file))
  const writeAs = options.compat ?? parseComposeCompat(env['DECK_COMPOSE_COMPAT'])
  const result = normalizeProject(
    parsed.data,
    { project, writeAs, file, env, written: tree as Record<string, unknown>, source: composeSource(text, doc, lines) },
    at
  )
  if (issues.length > 0) fail()
  return result
}

type At = IssueAt

/** The document as plain values, refused when its aliases expand too far, refer to themselves or nest too deep. */
function plainTree(doc: Document, at: At, fail: () => never): unknown {
  let tree: unknown
  try {
    tree = doc.toJS({ maxAliasCount: 100 })
  } catch (err) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs" file).
    at(
      [],
      `YAML: ${(err as Error).message.split('\n')[0]} (its aliases expand to more than 100 uses); write the values out`
    )
    fail()
  }
  const problem = shapeProblem(tree, [])
  if (problem !== null) {
    at(problem.path, problem.message)
    fail()
  }
  return tree
}

function shapeProblem(node: unknown, ancestors: unknown[]): { path: (string | number)[]; message: string } | null {
  if (node === null || typeof node !== 'object') return null
  if (ancestors.includes(node))
    return { path: [], message: 'YAML: an alias refers to a node that contains it (a value that contains itself)' }
  if (ancestors.length >= MAX_TREE_DEPTH)
    return { path: [], message: `YAML: values nest more than ${MAX_TREE_DEPTH} levels deep` }
  const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node)
  for (const [key, child] of entries) {
    const found = shapeProblem(child, [...ancestors, node])
    if (found !== null) return { ...found, path: [key, ...found.path] }
  }
  return null
}

function composeSource(text: string, doc: Document, lines: LineCounter): ComposeSource {
  return {
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    lineOf: (path) => locate(doc, lines, path)?.line ?? null
  }
}

function reportSchemaIssue(issue: z.core.$ZodIssue, tree: unknown, at: At): void {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      if (KNOWN_UNSUPPORTED_KEYS.has(key))
        at(path, `"${key}" is valid Compose but not supported by the panel`, { unsupported: true, childKey: key })
      else at(path, `unknown key "${key}"`, { childKey: key })
    }
    return
  }
  if (issue.code === 'invalid_type' && valueAt(tree, path) === undefined) {
    at(path, 'is required')
    return
  }
  at(path, issue.message)
}

function valueAt(tree: unknown, path: (string | number)[]): unknown {
  let node = tree
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[seg]
  }
  return node
}

/** `x-*` extension fields are allowed at the top level and in services, and ignored. */
function withoutExtensions(tree: unknown): unknown {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return tree
  const strip = (map: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(map).filter(([k]) => !k.startsWith('x-')))
  const top = strip(tree as Record<string, unknown>)
  const services = top['services']
  if (services !== null && typeof services === 'object' && !Array.isArray(services)) {
    top['services'] = Object.fromEntries(
      Object.entries(services as Record<string, unknown>).map(([name, svc]) => [
        name,
        svc !== null && typeof svc === 'object' && !Array.isArray(svc) ? strip(svc as Record<string, unknown>) : svc
      ])
    )
  }
  return top
}

function interpolationEnv(dir: string, options: LoadComposeOptions): Record<string, string | undefined> {
  const fromFiles: Record<string, string> = {}
  for (const envFile of options.envFiles ?? [])
    Object.assign(fromFiles, readEnvFile(resolve(dir, envFile), { optional: true }))
  return { ...fromFiles, ...(options.env ?? process.env) }
}

/** docker-compose v1: the directory name, lowercased, without characters it does not allow. */
function defaultProjectName(dir: string): string {
  return (
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '') || 'default'
  )
}
