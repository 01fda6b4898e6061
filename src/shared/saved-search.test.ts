import { describe, expect, it } from 'vitest'
import { webhookUrlProblem } from './saved-search'

describe('webhook URL', () => {
  it('is http or https with no credentials', () => {
    expect(webhookUrlProblem('https://hooks.example.com/scrapedeck')).toBeNull()
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull()
    expect(webhookUrlProblem('ftp://example.com/x')).toBe('A webhook URL is http or https, not ftp')
    expect(webhookUrlProblem('https://me:pw@example.com/x')).toMatch(/no user name or password/)
    expect(webhookUrlProblem('example.com/hook')).toMatch(/is not a URL/)
  })
})
