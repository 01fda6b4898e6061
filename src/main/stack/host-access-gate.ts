/**
 * The gate in front of everything that creates containers: a project whose pre-flight has
 * findings runs only once the user accepted that file hash (remembered per project and
 * file, in memory and, for the panel, in a small JSON file), else HostAccessNotAllowed.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { formatFinding, needsAcceptance } from '../../shared/host-access'
import type { HostAccessFinding, PreflightResult } from '../../shared/host-access'
import type { ComposeProject } from './compose-model'
import { hostAccessFindings, hostAccessHash } from './host-access'
import { StackError } from './stack-error'

/** The file hash accepted for a project's compose file, remembered. */
export interface HostAccessApprovals {
  accepted(project: string, file: string): string | null
  accept(project: string, file: string, fileHash: string): void
}

const key = (project: string, file: string): string => `${project}\n${file}`

/** For one run (the CLI: each run asks again, with --allow-host-access). */
export class MemoryApprovals implements HostAccessApprovals {
  private readonly hashes = new Map<string, string>()
  accepted(project: string, file: string): string | null {
    return this.hashes.get(key(project, file)) ?? null
  }
  accept(project: string, file: string, fileHash: string): void {
    this.hashes.set(key(project, file), fileHash)
  }
}

interface ApprovalEntry {
  project: string
  file: string
  fileHash: string
  acceptedAt: string
}

/** Remembered across runs in a JSON file (mode 0600); a missing or unreadable file is no approval. */
export class FileApprovals implements HostAccessApprovals {
  constructor(private readonly path: string) {}

  accepted(project: string, file: string): string | null {
    return this.read().find((e) => e.project === project && e.file === file)?.fileHash ?? null
  }

  accept(project: string, file: string, fileHash: string): void {
    const entries = this.read().filter((e) => !(e.project === project && e.file === file))
    entries.push({ project, file, fileHash, acceptedAt: new Date().toISOString() })
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 })
    const temp = `${this.path}.${process.pid}.tmp`
    writeFileSync(temp, `${JSON.stringify({ approvals: entries }, null, 2)}\n`, { mode: 0o600 })
    renameSync(temp, this.path)
  }

  private read(): ApprovalEntry[] {
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { approvals?: unknown }
      return Array.isArray(parsed.approvals)
        ? (parsed.approvals as ApprovalEntry[]).filter((e) => typeof e?.fileHash === 'string')
        : []
    } catch {
      return []
    }
  }
}

const HOST_ACCESS_HINT =
  'Read each line and fix the file if it is not what you want. To start it anyway: "Start anyway" in the panel\'s dialog, or `npm run deck -- up --allow-host-access`.'

/** More findings of a driver (the swarm's, swarm-preflight.ts), in the same shape. */
export type DriverFindings = (project: ComposeProject, services: string[] | undefined) => HostAccessFinding[]

export class HostAccessGate {
  constructor(
    private readonly approvals: HostAccessApprovals,
    private readonly driverFindings: DriverFindings = () => []
  ) {}

  preflight(project: ComposeProject, services?: string[]): PreflightResult {
    const findingsOf = (selection: string[] | undefined): HostAccessFinding[] =>
      [...hostAccessFindings(project, { services: selection }), ...this.driverFindings(project, selection)].sort(
        (a, b) => (a.line ?? 0) - (b.line ?? 0)
      )
    const fileHash = hostAccessHash(project, findingsOf(undefined))
    const findings = findingsOf(services)
    const accepted =
      !findings.some(needsAcceptance) || this.approvals.accepted(project.project, project.file) === fileHash
    return { fileHash, findings, accepted }
  }

  /** Throws HostAccessNotAllowed unless the selection reaches nothing, or its file hash is (now) accepted. */
  admit(project: ComposeProject, services: string[], allowHostAccess?: string): void {
    const result = this.preflight(project, services)
    const { fileHash, accepted } = result
    const findings = result.findings.filter(needsAcceptance)
    if (findings.length === 0) return
    if (allowHostAccess === fileHash) {
      this.approvals.accept(project.project, project.file, fileHash)
      return
    }
    if (accepted) return
    const why =
      allowHostAccess === undefined
        ? 'it can reach the host, and that was not accepted'
        : "it changed since it was accepted (the accepted hash is not this file's)"
    const lines = findings.map((f) => `  ${formatFinding(f)}`)
    throw new StackError(
      'HostAccessNotAllowed',
      `Nothing was started: ${project.file} ${why}:\n${lines.join('\n')}`,
      HOST_ACCESS_HINT
    )
  }
}
