import type { ReactElement } from 'react'

export function App(): ReactElement {
  return (
    <main>
      <h1>scrapedeck</h1>
      <p>Control panel for the job-listing scraper stack.</p>
    </main>
  )
}
