"""
The Scrapy peer of the crawl benches: a SitemapSpider that reads one or more boards' sitemaps
(index or page, .xml or .xml.gz) and extracts from each listing page the schema.org JobPosting
fields our scraper extracts (title, company, location, employmentType, datePosted,
validThrough, salary, skills, description, url), from its JSON-LD (one object, an array, or an
@graph whose hiringOrganization is a reference) or, on a page without JSON-LD, its microdata.

Everything that shapes the crawl is Scrapy's own setting, given on the command line:
    scrapy runspider job_sitemap_spider.py \
        -a sitemaps=http://127.0.0.1:8080/sitemap.xml,http://127.0.0.1:8081/sitemap.xml \
        -s CONCURRENT_REQUESTS=30 -s CONCURRENT_REQUESTS_PER_DOMAIN=30 -s DOWNLOAD_DELAY=0 \
        [-O items.jsonl]
When it closes it prints one JSON line on stdout, prefixed `crawl-summary `: listings
extracted, pages without a JobPosting, responses by status, first and last response times
(epoch seconds) and the CPU seconds of the process, so a bench need not parse Scrapy's log.
"""
import html
import json
import re
import resource
import time

import scrapy
from scrapy.spiders import SitemapSpider

SUMMARY_PREFIX = "crawl-summary "
# Scrapy's own defaults for a script run, made explicit so a bench measures the same spider on
# every machine: no telnet console (it would open a port), no cookies, no retries of 4xx.
custom_defaults = {
    "TELNETCONSOLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "ROBOTSTXT_OBEY": False,
    "HTTPERROR_ALLOWED_CODES": [404, 410],
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
}

TAGS = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


def plain(text):
    """One line of text from a field that may hold entities or HTML."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return str(text)
    if not isinstance(text, str):
        return None
    line = SPACES.sub(" ", html.unescape(TAGS.sub(" ", html.unescape(text)))).strip()
    return line or None


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_type(node, name):
    return isinstance(node, dict) and name in [str(t).rsplit("/", 1)[-1] for t in as_list(node.get("@type"))]


def job_postings(block):
    """The JobPosting nodes of one JSON-LD block, and every node with an @id by that id."""
    nodes = []
    for item in as_list(block):
        if isinstance(item, dict) and "@graph" in item:
            nodes.extend(as_list(item["@graph"]))
        else:
            nodes.append(item)
    by_id = {node["@id"]: node for node in nodes if isinstance(node, dict) and "@id" in node}
    return [node for node in nodes if is_type(node, "JobPosting")], by_id


def resolve(value, by_id):
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(value["@id"], value)
    return value


def name_of(value, by_id):
    for item in as_list(value):
        thing = resolve(item, by_id)
        name = plain(thing.get("name")) if isinstance(thing, dict) else plain(thing)
        if name:
            return name
    return None


def first_text(value):
    for item in as_list(value):
        text = plain(item)
        if text:
            return text
    return None


def location_of(posting, by_id):
    where = []
    if any(str(t).rsplit("/", 1)[-1].lower() == "telecommute" for t in as_list(posting.get("jobLocationType"))):
        areas = [name_of(area, by_id) for area in as_list(posting.get("applicantLocationRequirements"))]
        areas = [area for area in areas if area]
        where.append("Remote ({})".format(", ".join(areas)) if areas else "Remote")
    for place in as_list(posting.get("jobLocation")):
        place = resolve(place, by_id)
        address = resolve(place.get("address"), by_id) if isinstance(place, dict) else place
        if isinstance(address, dict):
            parts = [address.get("addressLocality"), address.get("addressRegion")]
            parts.append(name_of(address.get("addressCountry"), by_id))
            text = ", ".join(p for p in (plain(part) for part in parts) if p)
        else:
            text = plain(address)
        if text:
            where.append(text)
    return "; ".join(dict.fromkeys(where)) or None


def salary_of(value, by_id):
    amount = resolve(value, by_id)
    if not isinstance(amount, dict):
        return None
    quantity = resolve(amount.get("value"), by_id)
    if isinstance(quantity, dict):
        low = quantity.get("minValue", quantity.get("value"))
        high = quantity.get("maxValue", quantity.get("value"))
        unit = quantity.get("unitText")
    else:
        low = high = quantity
        unit = amount.get("unitText")
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        return None
    return {"min": low, "max": high, "currency": plain(amount.get("currency")), "unit": plain(unit)}


def skills_of(value):
    skills = []
    for item in as_list(value):
        text = plain(item) if isinstance(item, str) else name_of(item, {})
        if text:
            skills.extend(part.strip() for part in text.split(",") if part.strip())
    return list(dict.fromkeys(skills))


def from_json_ld(posting, by_id, page_url):
    return {
        "title": first_text(posting.get("title")) or first_text(posting.get("name")),
        "company": name_of(posting.get("hiringOrganization"), by_id),
        "location": location_of(posting, by_id),
        "employmentType": [text for text in (plain(t) for t in as_list(posting.get("employmentType"))) if text],
        "datePosted": first_text(posting.get("datePosted")),
        "validThrough": first_text(posting.get("validThrough")),
        "salary": salary_of(posting.get("baseSalary") or posting.get("estimatedSalary"), by_id),
        "skills": skills_of(posting.get("skills")),
        "description": plain(posting.get("description")),
        "url": first_text(posting.get("url")) or page_url,
    }


def from_microdata(scope, page_url):
    """The same fields from a page's JobPosting microdata (itemprop/content)."""

    def prop(name, under=scope):
        node = under.css('[itemprop="{}"]'.format(name))
        if not node:
            return None
        content = node.attrib.get("content") or node.attrib.get("datetime")
        return plain(content if content is not None else " ".join(node[0].css("::text").getall()))

    company = scope.css('[itemprop="hiringOrganization"]')
    where = []
    if scope.css('[itemprop="jobLocationType"][content="TELECOMMUTE"]'):
        areas = [prop("name", area) for area in scope.css('[itemprop="applicantLocationRequirements"]')]
        areas = [area for area in areas if area]
        where.append("Remote ({})".format(", ".join(areas)) if areas else "Remote")
    for address in scope.css('[itemprop="jobLocation"] [itemprop="address"]'):
        parts = [prop(name, address) for name in ("addressLocality", "addressRegion", "addressCountry")]
        where.append(", ".join(part for part in parts if part))
    salary = scope.css('[itemprop="baseSalary"]')
    return {
        "title": prop("title"),
        "company": prop("name", company) if company else None,
        "location": "; ".join(dict.fromkeys(w for w in where if w)) or None,
        "employmentType": [t.attrib.get("content") for t in scope.css('[itemprop="employmentType"]')],
        "datePosted": prop("datePosted"),
        "validThrough": prop("validThrough"),
        "salary": salary_from_microdata(salary[0], prop) if salary else None,
        "skills": [plain(" ".join(s.css("::text").getall())) for s in scope.css('[itemprop="skills"]')],
        "description": prop("description"),
        "url": page_url,
    }


def salary_from_microdata(amount, prop):
    low = prop("minValue", amount) or prop("value", amount.css('[itemprop="value"]') or amount)
    high = prop("maxValue", amount) or low
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        return None
    return {"min": low, "max": high, "currency": prop("currency", amount), "unit": prop("unitText", amount)}


class JobSitemapSpider(SitemapSpider):
    name = "job_sitemap"
    custom_settings = custom_defaults

    def __init__(self, sitemaps="", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [url for url in sitemaps.split(",") if url]
        if not self.sitemap_urls:
            raise ValueError("give the boards' sitemaps: -a sitemaps=URL[,URL…]")
        self.counts = {"listings": 0, "noPosting": 0, "statuses": {}}
        self.first_response = None
        self.last_response = None

    def parse(self, response):
        now = time.time()
        self.first_response = self.first_response or now
        self.last_response = now
        status = str(response.status)
        self.counts["statuses"][status] = self.counts["statuses"].get(status, 0) + 1
        if response.status != 200:
            return
        found = False
        for script in response.css('script[type="application/ld+json"]::text').getall():
            try:
                block = json.loads(script)
            except ValueError:
                continue
            postings, by_id = job_postings(block)
            for posting in postings:
                found = True
                self.counts["listings"] += 1
                yield from_json_ld(posting, by_id, response.url)
        if not found:
            scope = response.css('[itemtype$="schema.org/JobPosting"]')
            if scope:
                self.counts["listings"] += 1
                yield from_microdata(scope[0], response.url)
            else:
                self.counts["noPosting"] += 1

    def closed(self, reason):
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = dict(
            self.counts,
            reason=reason,
            firstResponseAt=self.first_response,
            lastResponseAt=self.last_response,
            cpuSeconds=own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
            scrapy=scrapy.__version__,
        )
        print(SUMMARY_PREFIX + json.dumps(summary), flush=True)
