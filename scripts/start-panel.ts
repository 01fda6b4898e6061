/**
 * `npm start`: the Electron app where Electron's binary is installed; where it is not (it is
 * downloaded from GitHub at install time, which some machines cannot reach), say so in one
 * line and start the web shell instead.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { electronBinary } from '../src/main/electron-binary'

const bin = (name: string): string => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))
const binary = electronBinary()
// The tools themselves, not npx, so a signal to this process reaches the panel.
const [command, args] = binary ? [bin('electron-vite'), ['preview']] : [bin('tsx'), ['src/main/web/main.ts']]
if (!binary)
  console.log(
    'scrapedeck: no Electron binary here (node_modules/electron/dist is missing), so starting the web shell instead.'
  )
const child = spawn(command, args, { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 1))
