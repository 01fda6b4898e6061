/**
 * A part of the test machine that scripts/test.sh installs (Nameko, Compose v2, dockerd, the
 * stack's images, Electron 22): under that command (CI set) a missing part fails the file,
 * loudly, since a skip there would pass a suite that tested nothing. Elsewhere the tests
 * that need it are skipped and the reason is printed.
 * Returns the reason to skip, or null when the part is there.
 */
export function requiredPart(part: string, missing: string | null): string | null {
  if (missing === null) return null
  if (process.env['CI'])
    throw new Error(`${part} is missing, and the test command installs it (CI=${process.env['CI']}): ${missing}`)
  console.warn(`Skipping the tests that need ${part}: ${missing}`)
  return missing
}
