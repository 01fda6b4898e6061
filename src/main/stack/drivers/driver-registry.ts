/**
 * The engine drivers by the panel's mode (DECK_MODE, `deck --swarm`). A new driver is a
 * folder beside compose/ and swarm/ exporting a DriverModule, a mode in DeckModeSchema
 * (src/shared/stack-status.ts), and its line here.
 */
import type { DeckMode, DriverModule } from './stack-driver'
import { composeDriver } from './compose/compose-driver'
import { swarmDriver } from './swarm/swarm-driver'

export const DRIVERS: Record<DeckMode, DriverModule> = {
  compose: composeDriver,
  swarm: swarmDriver
}
