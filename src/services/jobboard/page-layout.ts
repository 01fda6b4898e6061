/** The HTML shell every board page shares: doctype, head, site header and footer. */
import { escapeHtml } from './html-escape.js'

const SITE_NAME = 'Local Job Board'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d232a}
.site-header,.site-footer{padding:.75rem 1.5rem;background:#f3f5f7}main{max-width:52rem;margin:0 auto;padding:1.5rem}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}.tag{background:#e4ecf7;border-radius:.3rem;padding:0 .5rem}
.job-meta{color:#4b5563}.pager{display:flex;gap:1rem}`

export interface DocumentParts {
  title: string
  /** Extra, already-escaped markup for <head> (canonical link, JSON-LD). */
  head?: string
  /** Already-escaped markup for <main>. */
  main: string
}

export function renderDocument(parts: DocumentParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)} – ${SITE_NAME}</title>
<style>${STYLE}</style>
${parts.head ?? ''}
</head>
<body>
<header class="site-header"><a href="/" class="site-name">${SITE_NAME}</a> <nav><a href="/">All jobs</a> · <a href="/jobs.json">jobs.json</a></nav></header>
<main>
${parts.main}
</main>
<footer class="site-footer">A job board served locally so the scraper stack works offline. Every company here is fictional.</footer>
</body>
</html>
`
}
