/**
 * Serves the renderer build (out/renderer) read-only: index.html with the panel's CSP as a
 * response header, and the hashed assets beside it. Paths cannot leave the folder.
 */
import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../content-security-policy'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

/** Answers a GET for a renderer file; returns false when there is no such file. */
export async function serveRendererFile(
  rendererDir: string,
  pathname: string,
  response: ServerResponse,
  extraHeaders: Record<string, string> = {}
): Promise<boolean> {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
  const root = resolve(rendererDir)
  const file = resolve(root, relative)
  if (!file.startsWith(root + sep)) return false
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return false
  }
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    ...extraHeaders,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    // index.html names the hashed assets, so it must be fetched fresh; assets never change.
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=31536000, immutable'
  })
  response.end(body)
  return true
}
