/**
 * The pre-flight of a compose file: what it can do to the host (bind mounts of system paths,
 * the Docker socket, files outside the project, ports on every interface, host namespaces,
 * privileges), as findings a person reads before `up`. Shared by the panel, the web shell
 * and the CLI, which all show the same lines.
 */
import { z } from 'zod'

const HOST_ACCESS_KINDS = [
  'docker-socket', // the engine's socket: full control of the host
  'host-mount', // a bind mount of the host root, a system directory or a home directory
  'outside-mount', // a bind mount of some other path outside the project's folder
  'env-file', // an env file outside the project's folder: a host file's contents go into the container
  'build-context', // a build context outside the project's folder: those files are sent to the engine
  'public-port', // a port published on every interface, not only loopback
  'network-mode', // network_mode host / container:x / service:x
  'privileged',
  'host-pid', // pid: host
  'host-ipc', // ipc: host
  'capability', // cap_add of a capability that reaches the host
  'device', // a host device passed in
  'swarm-public-port', // on a swarm: a port that becomes reachable on every interface of a node
  'swarm-key' // on a swarm: a key swarm ignores or treats differently, and what the panel does instead (a note)
] as const

const HostAccessKindSchema = z.enum(HOST_ACCESS_KINDS)
export type HostAccessKind = z.infer<typeof HostAccessKindSchema>

/**
 * critical: control of the host; high: reads or writes host data; medium: exposure or shared
 * namespaces; note: nothing to accept, something to know (how a swarm treats a key).
 */
const HostAccessSeveritySchema = z.enum(['critical', 'high', 'medium', 'note'])
export type HostAccessSeverity = z.infer<typeof HostAccessSeveritySchema>

const HostAccessFindingSchema = z.object({
  kind: HostAccessKindSchema,
  severity: HostAccessSeveritySchema,
  /** The compose file (absolute path). */
  file: z.string(),
  /** 1-based line of the key in that file; null when it cannot be located. */
  line: z.number().int().nullable(),
  service: z.string(),
  message: z.string(),
  hint: z.string()
})
export type HostAccessFinding = z.infer<typeof HostAccessFindingSchema>

export const PreflightResultSchema = z.object({
  /**
   * What acceptance is bound to: the file's text and the findings (so a changed file, or an
   * environment that makes it reach further, asks again). `up` takes it as `allowHostAccess`.
   */
  fileHash: z.string(),
  findings: z.array(HostAccessFindingSchema),
  /** True when there is nothing to accept, or this fileHash was accepted for the project before. */
  accepted: z.boolean()
})
export type PreflightResult = z.infer<typeof PreflightResultSchema>

/** Whether starting the file needs the user's yes for this finding (a note needs none). */
export const needsAcceptance = (finding: HostAccessFinding): boolean => finding.severity !== 'note'

/** `file:line: service: message` — one line per finding, as the CLI, errors and the dialog show them. */
export function findingLocation(finding: HostAccessFinding): string {
  return finding.line === null ? finding.file : `${finding.file}:${finding.line}`
}

export function formatFinding(finding: HostAccessFinding): string {
  return `${findingLocation(finding)}: ${finding.service}: ${finding.message} [${finding.severity}]`
}
