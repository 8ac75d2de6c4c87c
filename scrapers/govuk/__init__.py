"""GOV.UK: one shared parser for Content API items and Search API pages, and two source modules.

search_source.py lists a supergroup through the Search API (news, policy, statistics, guidance:
each a supergroup in config/sources.yaml); atom_source.py reads organisation and finder feeds.
Both read each page through the Content API (parse.py).
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
