"""The national services the harvest reads: where their OCDS search lives and how it is asked.

Contracts Finder: `GET /Published/Notices/OCDS/Search?publishedFrom=&publishedTo=&limit=`
(ISO 8601 date-times, limit 1 to 100), documented at
https://www.contractsfinder.service.gov.uk/apidocumentation/Notices/1/GET-Published-Notice-OCDS-Search
Find a Tender: `GET /api/1.0/ocdsReleasePackages?updatedFrom=&updatedTo=&limit=`
(YYYY-MM-DDTHH:MM:SS, limit 1 to 100), documented at
https://www.find-tender.service.gov.uk/apidocumentation/1.0/GET-ocdsReleasePackages
Both answer a release package whose `links.next` (with a `cursor`) is the next page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

MAX_PAGE_SIZE = 100  # both services allow 1 to 100 releases a page


@dataclass(frozen=True)
class Service:
    name: str  # the subcommand
    title: str
    base_url: str  # the official host
    path: str  # the OCDS search endpoint under the host
    from_param: str
    to_param: str

    def first_url(self, date_from: date, date_to: date, base_url: str | None = None,
                  page_size: int = MAX_PAGE_SIZE) -> str:
        """The first page's URL; later pages come from each page's `links.next`. A base URL
        that already ends with the endpoint's path is used as it is."""
        base = (base_url or self.base_url).rstrip("/")
        endpoint = base if base.endswith(self.path) else base + self.path
        query = urlencode({self.from_param: f"{date_from.isoformat()}T00:00:00",
                           self.to_param: f"{date_to.isoformat()}T23:59:59",
                           "limit": str(page_size)}, safe=":")
        return f"{endpoint}?{query}"


CONTRACTS_FINDER = Service(
    name="contracts-finder", title="Contracts Finder",
    base_url="https://www.contractsfinder.service.gov.uk", path="/Published/Notices/OCDS/Search",
    from_param="publishedFrom", to_param="publishedTo")
FIND_A_TENDER = Service(
    name="find-a-tender", title="Find a Tender",
    base_url="https://www.find-tender.service.gov.uk", path="/api/1.0/ocdsReleasePackages",
    from_param="updatedFrom", to_param="updatedTo")
SERVICES: dict[str, Service] = {s.name: s for s in (CONTRACTS_FINDER, FIND_A_TENDER)}
