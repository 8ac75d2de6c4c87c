"""GOV.UK: one shared parser for Content API items and Search API pages, and the crawl spider.

Every GOV.UK source (news, policy, statistics, guidance) is this package plus a supergroup in
config/sources.yaml.
"""

from scrapers.govuk.parse import PARSER_VERSION, parse_content_item
from scrapers.govuk.search import SearchHit, SearchPage, content_url, parse_search_page, search_url

__all__ = [
    "PARSER_VERSION",
    "SearchHit",
    "SearchPage",
    "content_url",
    "parse_content_item",
    "parse_search_page",
    "search_url",
]
