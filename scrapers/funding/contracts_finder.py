"""Contracts Finder OCDS search: notices published since the watermark, paged by cursor.

Live: https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search?publishedFrom=
...&stages=planning,tender,award&limit=100; the next page is the package's links.next.
"""

from __future__ import annotations

from scrapers.funding.ocds_endpoint import OcdsEndpoint

ENDPOINT = OcdsEndpoint(
    origin="https://www.contractsfinder.service.gov.uk",
    path="Published/Notices/OCDS/Search",
    date_param="publishedFrom",
    parser_version="ocds-contracts-finder/1",
)
PARSER_VERSION = ENDPOINT.parser_version
start = ENDPOINT.start
parse = ENDPOINT.parse
