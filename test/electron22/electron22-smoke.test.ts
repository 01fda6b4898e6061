/**
 * Electron 22 smoke test of the window and preload layer: the panel's own window options,
 * preload (out/preload/index.cjs), renderer (out/renderer/), CSP, navigation guard and IPC
 * frame check, run in Electron 22.3.25 under Xvfb with a stub controller behind a real
 * PanelSession. Electron 22 is the newest binary this machine can get
 * (scripts/fetch-electron22.sh); it cannot load the panel's ESM main, so a CommonJS stub main
 * (stub-main.ts, bundled here) drives that setup code. The whole-app Electron 45 spec stays in
 * e2e/electron.spec.ts for machines with that binary.
 */
import { ERROR_RULES } from '../../src/shared/error-kinds'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/main/content-security-policy'
import { requiredPart } from '../support/required-part'
import { electron22Binary, electron22UnavailableReason } from '../support/electron22'

const REPO = resolve(fileURLToPath(import.meta.url), '../../..')
const preload = join(REPO, 'out/preload/index.cjs')
const renderer = join(REPO, 'out/renderer/index.html')
const STUB_ERROR = 'The Electron 22 smoke test has no stack behind this panel.'
const NOT_FROM_PANEL = 'This request did not come from the panel window.'

const missing = requiredPart(
  'Electron 22 (scripts/fetch-electron22.sh), Xvfb and the panel build (npm run build)',
  electron22UnavailableReason() ??
    (existsSync(preload) && existsSync(renderer) ? null : `${preload} or ${renderer} is missing: run npm run build`)
)

interface Observed {
  electron: string
  exposed: { api: string[]; require: string; process: string; module: string; Buffer: string; invokeSource: string }
  webPreferences: Record<string, unknown>
  rendererArgs: string[]
  inlineScript: { ran: boolean; violation: { directive: string; policy: string } | null }
  answered: unknown
  invalid: unknown
  stubErrorShown: boolean
  urlBefore: string
  navigations: string[]
  afterNavigation: { url: string; apiStillThere: string }
  windowOpen: boolean[]
  windowsAfterOpen: number
  openedExternally: string[]
  subframeUrl: string
  subframeUrlTrusted: boolean
  subframeApi: string[]
  subframeAnswer: unknown
  mainFrameAnswer: unknown
  /** Set when a step of the stub main failed (it goes on with the next step). */
  panelWindowError?: string
  subframeError?: string
  navigationError?: string
}

let work: string
let observed: Observed

/** Bundles the stub main to CommonJS for Electron 22's Node 16 and runs it once under Xvfb. */
async function runStubMain(): Promise<Observed> {
  const main = join(work, 'main.cjs')
  await build({
    entryPoints: [join(REPO, 'test/electron22/stub-main.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node16',
    external: ['electron'],
    // Native addons of the Docker client's SSH transport: never loaded by a window.
    loader: { '.node': 'empty' },
    // Node 16 has the web streams only in stream/web; the bundled HTTP client wants them global.
    banner: {
      js: "Object.assign(globalThis, Object.fromEntries(Object.entries(require('stream/web')).filter(([k]) => !(k in globalThis))));"
    },
    logLevel: 'warning'
  })
  const child = spawn(
    'xvfb-run',
    ['-a', electron22Binary(), '--no-sandbox', `--user-data-dir=${join(work, 'user-data')}`],
    {
      env: { ...process.env, SCRAPEDECK_ELECTRON22_MAIN: main, SMOKE_PRELOAD: preload, SMOKE_RENDERER: renderer },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    }
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolveExit, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      reject(new Error(`Electron 22 did not finish in 90 s:\n${output}`))
    }, 90_000)
    child.once('error', reject)
    child.once('exit', (exitCode) => {
      clearTimeout(timer)
      resolveExit(exitCode)
    })
  })
  const line = /^SMOKE_RESULT (.*)$/m.exec(output)
  if (code !== 0 || line?.[1] === undefined) throw new Error(`Electron 22 stub main exited with ${code}:\n${output}`)
  return JSON.parse(line[1]) as Observed
}

beforeAll(async () => {
  if (missing !== null) return
  work = mkdtempSync(join(tmpdir(), 'deck-electron22-'))
  observed = await runStubMain()
}, 120_000)

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

describe.skipIf(missing !== null)('Electron 22: the panel window and its preload', () => {
  it('runs in Electron 22, every step of the stub main completed', () => {
    expect(observed.electron).toMatch(/^22\./)
    expect([observed.panelWindowError, observed.subframeError, observed.navigationError]).toEqual([
      undefined,
      undefined,
      undefined
    ])
  })

  it('exposes exactly the typed API through the context bridge, and nothing of Node', () => {
    expect(observed.exposed).toEqual({
      api: ['invoke', 'on'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      // A function handed over by contextBridge is a native proxy: the page cannot read the preload's code.
      invokeSource: 'function () { [native code] }'
    })
  })

  it('keeps sandbox and contextIsolation on (no Node in the renderer, no webviews)', () => {
    expect(observed.webPreferences).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false
    })
    // Chromium's OS sandbox is off (--no-sandbox, needed as root); the renderer still runs Electron's sandboxed mode.
    expect(observed.rendererArgs.join(' ')).toContain('--enable-sandbox')
  })

  it('blocks an inline script by the CSP response header', () => {
    expect(observed.inlineScript).toEqual({
      ran: false,
      violation: { directive: 'script-src-elem', policy: CONTENT_SECURITY_POLICY }
    })
  })

  it('answers the main frame from the controller, validating the request first', () => {
    expect(observed.answered).toEqual({
      ok: false,
      error: { kind: 'Internal', message: STUB_ERROR, hint: ERROR_RULES.Internal.hint }
    })
    expect(observed.invalid).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest', message: expect.stringMatching(/^Invalid lookup request: id:/) as unknown }
    })
    expect(observed.stubErrorShown).toBe(true)
  })

  it('refuses navigation away, to the web or to another file', () => {
    expect(observed.navigations).toEqual(['https://example.invalid/', 'file:///etc/hostname'])
    expect(observed.afterNavigation).toEqual({ url: observed.urlBefore, apiStillThere: 'function' })
    expect(observed.urlBefore).toBe(`file://${renderer}`)
  })

  it('refuses window.open; a web link goes to the browser instead', () => {
    expect(observed.windowOpen).toEqual([true, true])
    expect(observed.windowsAfterOpen).toBe(1)
    expect(observed.openedExternally).toEqual(['https://example.invalid/popup'])
  })

  it("refuses an IPC call from a subframe holding the same API, and answers its page's main frame", () => {
    expect(observed.subframeUrl).toBe(`file://${renderer}`)
    expect(observed.subframeUrlTrusted).toBe(true)
    expect(observed.subframeApi).toEqual(['invoke', 'on'])
    expect(observed.subframeAnswer).toEqual({
      ok: false,
      error: { kind: 'InvalidRequest', message: NOT_FROM_PANEL, hint: null }
    })
    expect(observed.mainFrameAnswer).toEqual({
      ok: false,
      error: { kind: 'Internal', message: STUB_ERROR, hint: ERROR_RULES.Internal.hint }
    })
  })
})
