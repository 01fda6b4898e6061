/**
 * The renderer's Content-Security-Policy, written once: the Electron shell sets it on every
 * response, the web shell sends it with every file, and index.html carries the same policy
 * in its meta tag, minus what a meta tag cannot set (src/renderer/index.html; a unit test checks it).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
