"""Find a Tender OCDS release packages: notices updated since the watermark, paged by cursor.

Live: https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?updatedFrom=...&
stages=tender&limit=100; the next page is the package's links.next. Same parser as Contracts Finder.
"""

from __future__ import annotations

from scrapers.funding.ocds_endpoint import OcdsEndpoint

ENDPOINT = OcdsEndpoint(
    origin="https://www.find-tender.service.gov.uk",
    path="api/1.0/ocdsReleasePackages",
    date_param="updatedFrom",
    parser_version="ocds-find-a-tender/1",
)
PARSER_VERSION = ENDPOINT.parser_version
start = ENDPOINT.start
parse = ENDPOINT.parse
