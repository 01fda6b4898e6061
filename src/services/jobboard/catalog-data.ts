/**
 * The vocabulary the catalog draws from. Fictional companies; real places. A few entries
 * carry characters that break naive HTML/JSON output (&, <, quotes, non-ASCII) on purpose,
 * because real boards have them and the pages must escape them.
 */

export interface Place {
  city: string
  region: string | null
  country: string
  currency: string
}

export const PLACES: readonly Place[] = [
  { city: 'Berlin', region: null, country: 'Germany', currency: 'EUR' },
  { city: 'Munich', region: 'Bavaria', country: 'Germany', currency: 'EUR' },
  { city: 'Amsterdam', region: 'North Holland', country: 'Netherlands', currency: 'EUR' },
  { city: 'Paris', region: 'Île-de-France', country: 'France', currency: 'EUR' },
  { city: 'Lisbon', region: null, country: 'Portugal', currency: 'EUR' },
  { city: 'Madrid', region: null, country: 'Spain', currency: 'EUR' },
  { city: 'Zürich', region: null, country: 'Switzerland', currency: 'CHF' },
  { city: 'London', region: 'England', country: 'United Kingdom', currency: 'GBP' },
  { city: 'Edinburgh', region: 'Scotland', country: 'United Kingdom', currency: 'GBP' },
  { city: 'Dublin', region: null, country: 'Ireland', currency: 'EUR' },
  { city: 'Stockholm', region: null, country: 'Sweden', currency: 'SEK' },
  { city: 'Kraków', region: 'Lesser Poland', country: 'Poland', currency: 'PLN' },
  { city: 'New York', region: 'NY', country: 'United States', currency: 'USD' },
  { city: 'San Francisco', region: 'CA', country: 'United States', currency: 'USD' },
  { city: 'Austin', region: 'TX', country: 'United States', currency: 'USD' },
  { city: 'Seattle', region: 'WA', country: 'United States', currency: 'USD' },
  { city: 'Toronto', region: 'ON', country: 'Canada', currency: 'CAD' },
  { city: 'Montréal', region: 'QC', country: 'Canada', currency: 'CAD' },
  { city: 'Bengaluru', region: 'Karnataka', country: 'India', currency: 'INR' },
  { city: 'Tokyo', region: null, country: 'Japan', currency: 'JPY' },
  { city: 'Singapore', region: null, country: 'Singapore', currency: 'SGD' },
  { city: 'Sydney', region: 'NSW', country: 'Australia', currency: 'AUD' },
  { city: 'São Paulo', region: 'SP', country: 'Brazil', currency: 'BRL' },
  { city: 'Tel Aviv', region: null, country: 'Israel', currency: 'ILS' }
]

/** Regions a remote role may be limited to (schema.org applicantLocationRequirements). */
export const REMOTE_AREAS: readonly string[] = [
  'Europe',
  'United States',
  'Canada',
  'Germany',
  'United Kingdom',
  'Worldwide'
]

export const COMPANIES: readonly string[] = [
  'Northwind Analytics',
  'Bluefin Systems',
  'Quarry & Finch',
  'Halcyon Health',
  'Nordlys Software AS',
  'Papercrane Labs',
  'Meridian Freight GmbH',
  "O'Leary Data Works",
  'Tessellate',
  'Copperline Energy',
  'Kestrel Robotics',
  'Lumen & Loom',
  'Atlas Ledger',
  'Brightwater Games',
  'Café Ñandú Studio',
  'Grove "Green" Mobility',
  'Angle & Bracket <Labs>',
  'Sable Security',
  'Fieldnote',
  'Orbit Payments Ltd.',
  'Pinecrest Insurance',
  'Riverbend Media',
  'Vantablack Compilers',
  'Hollis & Park Retail',
  'Zephyr Cloud'
]

export const SENIORITIES: readonly string[] = ['Junior', '', '', 'Senior', 'Senior', 'Staff', 'Lead', 'Principal']

export interface Role {
  title: string
  skills: readonly string[]
}

export const ROLES: readonly Role[] = [
  { title: 'Backend Engineer', skills: ['node.js', 'typescript', 'postgresql', 'redis', 'rabbitmq', 'docker', 'go'] },
  { title: 'Frontend Developer', skills: ['react', 'typescript', 'css', 'vite', 'accessibility', 'graphql'] },
  { title: 'Full-Stack Developer', skills: ['react', 'node.js', 'typescript', 'postgresql', 'aws', 'docker'] },
  { title: 'Site Reliability Engineer', skills: ['kubernetes', 'terraform', 'prometheus', 'linux', 'go', 'aws'] },
  { title: 'Data Engineer', skills: ['python', 'spark', 'airflow', 'sql', 'kafka', 'dbt'] },
  { title: 'Machine Learning Engineer', skills: ['python', 'pytorch', 'mlops', 'sql', 'kubernetes'] },
  { title: 'iOS Developer', skills: ['swift', 'swiftui', 'xcode', 'combine', 'ci/cd'] },
  { title: 'Android Developer', skills: ['kotlin', 'jetpack-compose', 'gradle', 'coroutines'] },
  { title: 'Embedded Software Engineer', skills: ['c', 'c++', 'rtos', 'arm', 'yocto'] },
  { title: 'C++/C# Game Programmer', skills: ['c++', 'c#', 'unity', 'unreal-engine', 'directx'] },
  { title: 'Security Engineer', skills: ['appsec', 'owasp', 'python', 'siem', 'cloud-security'] },
  { title: 'DevOps Engineer', skills: ['ci/cd', 'docker', 'ansible', 'linux', 'azure'] },
  { title: 'QA Automation Engineer', skills: ['playwright', 'cypress', 'typescript', 'java', 'selenium'] },
  { title: 'Elasticsearch Engineer', skills: ['elasticsearch', 'java', 'lucene', 'kibana', 'logstash'] },
  { title: 'Rust Systems Engineer', skills: ['rust', 'tokio', 'linux', 'networking', 'webassembly'] },
  { title: 'R&D Engineer – Compilers', skills: ['llvm', 'c++', 'rust', 'compilers'] },
  { title: 'Database Administrator', skills: ['postgresql', 'mysql', 'oracle', 'backup', 'sql'] },
  { title: 'Technical Writer', skills: ['markdown', 'docs-as-code', 'openapi', 'git'] },
  { title: 'Engineering Manager', skills: ['leadership', 'agile', 'hiring', 'architecture'] },
  { title: 'Product Designer (UX/UI)', skills: ['figma', 'user-research', 'prototyping', 'design-systems'] }
]

export const EMPLOYMENT_TYPES: readonly string[] = ['FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN']

export const INTRO_SENTENCES: readonly string[] = [
  'We are growing the team that builds the core of our platform.',
  'You will join a small, senior team that ships to production every day.',
  'Our customers rely on us around the clock, and so do our colleagues.',
  'This role sits between product and engineering & owns features end to end.',
  'We are a remote-friendly company with offices on three continents.'
]

export const RESPONSIBILITIES: readonly string[] = [
  'Design, build and operate services used by millions of people',
  'Review code and mentor other engineers',
  'Own features from the first sketch to production',
  'Improve our CI pipeline so that builds take < 10 minutes',
  'Write clear documentation & runbooks',
  'Take part in an on-call rotation (one week in six)',
  'Work with designers on "delightful" details',
  'Profile and fix performance problems'
]

export const REQUIREMENTS: readonly string[] = [
  'Several years of professional experience with {skill}',
  'Comfortable with {skill} and {skill2}',
  'You write tests without being asked',
  'Good written English; German or French is a plus',
  'Experience running software in production',
  'A degree in computer science or equivalent experience'
]

export const BENEFITS: readonly string[] = [
  '30 days of paid holiday',
  'A learning budget of 2,000 € a year',
  'Flexible hours & a four-day week option',
  'Home office equipment of your choice',
  'Parental leave beyond the legal minimum',
  'Stock options'
]

/** Some descriptions quote code, including the text `</script>`, which a page must not let close its JSON-LD. */
export const CODE_SNIPPETS: readonly string[] = [
  'if (a < b && b > c) { return "ok" }',
  "document.write('</script><script>alert(1)</script>')",
  "SELECT * FROM jobs WHERE title LIKE '%C++%';"
]
