"""Replaying every source host from a snapshot laid out like /work/shared/samples.

Each class serves one live host from its sample folder, in the body format the real API gives:

- www.theyworkforyou.com: parliament/twfy_parlparse_xml/<type><date><version>.xml
- questions-statements-api.parliament.uk: parliament/written_questions_api/*.json (list pages),
  and questions/<id>.json (full questions; else the list's item is served)
- bills-api.parliament.uk: parliament/bills_api/*.json (a `response` wrapper is unwrapped)
- bills.parliament.uk: parliament/rss/*public_bills*.rss and *private_bills*.rss
- www.contractsfinder.service.gov.uk: funding/contracts_finder_ocds_*/*.json (releases, packages)
- data.threesixtygiving.org: funding/threesixtygiving/*.json files holding a `grants` list
- any host: <category>/mirror/<host>/<path> (see Mirror); checked first
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, ClassVar

from scrapers.replay.reply import JSON_TYPE, NOT_FOUND, Reply, json_reply

XML_TYPE = "application/xml; charset=utf-8"
_TYPES = {".json": JSON_TYPE, ".xml": XML_TYPE, ".rss": "application/rss+xml; charset=utf-8",
          ".atom": "application/atom+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}
_STATUS = re.compile(r"\.http-(\d{3})")
_DELAY = re.compile(r"\.delay-(\d+(?:\.\d+)?)")


def _int(query: dict[str, list[str]], *names: str, default: int) -> int:
    for name in names:
        values = query.get(name)
        if values and values[0].isdigit():
            return int(values[0])
    return default


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None


class Mirror:
    """Files laid out as URLs: <snapshot>/<category>/mirror/<host>/<path>[.<ext>].

    `/a/b` is served from `a/b`, `a/b.<ext>` or `a/b/index.<ext>`; the query string is ignored.
    A name may carry `.http-<code>` (served with that status) or `.delay-<seconds>` (answered
    that late), so tests can stage failures: `Search.http-500.json`, `feed.delay-5.xml`.
    """

    def __init__(self, snapshot_dir: Path) -> None:
        self.roots = sorted(p for p in snapshot_dir.glob("*/mirror") if p.is_dir())

    def hosts(self) -> set[str]:
        return {p.name for root in self.roots for p in root.iterdir() if p.is_dir()}

    def find(self, host: str, path: str) -> Path | None:
        for root in self.roots:
            target = (root / host / path.strip("/")).resolve()
            if root.resolve() not in target.parents:
                continue
            candidates = [target] if target.is_file() else []
            for folder, stem in ((target, "index"), (target.parent, target.name)):
                if folder.is_dir():
                    candidates += sorted(f for f in folder.iterdir() if f.is_file()
                                         and f.name.split(".")[0] == stem and f != target)
            if candidates:
                return candidates[0]
        return None

    def handle(self, host: str, path: str) -> Reply | None:
        found = self.find(host, path)
        if found is None:
            return None
        delay = _DELAY.search(found.name)
        if delay:
            time.sleep(float(delay.group(1)))
        status = _STATUS.search(found.name)
        content_type = _TYPES.get(found.suffix, "application/octet-stream")
        return int(status.group(1)) if status else 200, content_type, found.read_bytes()


class ParlParseReplay:
    """TheyWorkForYou's bulk XML folders: a directory index per folder, and the files."""

    host = "www.theyworkforyou.com"
    FOLDERS: ClassVar[dict[str, str]] = {
        "debates": "debates", "westminster": "westminhall", "answers": "wrans",
        "ministerial": "wms", "lords": "lordspages"}

    def __init__(self, snapshot_dir: Path) -> None:
        self.files: dict[str, dict[str, Path]] = {}
        for file in sorted((snapshot_dir / "parliament" / "twfy_parlparse_xml").glob("*.xml")):
            prefix = re.match(r"[a-z]+", file.name)
            folder = self.FOLDERS.get(prefix.group(0) if prefix else "")
            if folder:
                self.files.setdefault(folder, {})[file.name] = file

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        match = re.fullmatch(r"/pwdata/scrapedxml/([a-z]+)/([^/]*)", path)
        if not match or match.group(1) not in self.files:
            return NOT_FOUND
        folder, name = match.groups()
        if not name:
            links = "".join(f'<a href="{n}">{n}</a>\n' for n in sorted(self.files[folder]))
            page = f"<html><body><h1>Index of /pwdata/scrapedxml/{folder}</h1><pre>{links}</pre>"
            return 200, "text/html; charset=utf-8", (page + "</body></html>").encode()
        file = self.files[folder].get(name)
        return (200, XML_TYPE, file.read_bytes()) if file else NOT_FOUND


class WrittenQuestionsReplay:
    host = "questions-statements-api.parliament.uk"

    def __init__(self, snapshot_dir: Path) -> None:
        folder = snapshot_dir / "parliament" / "written_questions_api"
        self.details = folder / "questions"
        self.results: list[dict[str, Any]] = []
        for file in sorted(folder.glob("*.json")):
            data = _load(file)
            if isinstance(data, dict) and isinstance(data.get("results"), list):
                self.results += data["results"]

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/api/writtenquestions/questions":
            skip, take = _int(query, "skip", default=0), _int(query, "take", default=20)
            return json_reply({"totalResults": len(self.results),
                          "results": self.results[skip:skip + take]})
        match = re.fullmatch(r"/api/writtenquestions/questions/(\d+)", path)
        if not match:
            return NOT_FOUND
        recorded = self.details / f"{match.group(1)}.json"
        if recorded.is_file():
            return 200, JSON_TYPE, recorded.read_bytes()
        for row in self.results:
            if str((row.get("value") or {}).get("id")) == match.group(1):
                return json_reply({"value": row["value"], "links": row.get("links", [])})
        return NOT_FOUND


class BillsApiReplay:
    host = "bills-api.parliament.uk"

    def __init__(self, snapshot_dir: Path) -> None:
        self.items: list[dict[str, Any]] = []
        for file in sorted((snapshot_dir / "parliament" / "bills_api").glob("*.json")):
            data = _load(file)
            body = data.get("response", data) if isinstance(data, dict) else None
            if isinstance(body, dict) and isinstance(body.get("items"), list):
                self.items += body["items"]
        self.items.sort(key=lambda i: str(i.get("lastUpdate", "")), reverse=True)

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path != "/api/v1/Bills":
            return NOT_FOUND
        skip, take = _int(query, "Skip", default=0), _int(query, "Take", default=20)
        return json_reply({"items": self.items[skip:skip + take], "totalResults": len(self.items),
                      "itemsPerPage": take})


class BillsRssReplay:
    """bills.parliament.uk's feeds, from the recorded services.parliament.uk feeds."""

    host = "bills.parliament.uk"
    ROUTES: ClassVar[dict[str, str]] = {
        "/rss/publicbills.rss": "public_bills", "/rss/privatebills.rss": "private_bills",
        "/rss/allbills.rss": "all_bills"}

    def __init__(self, snapshot_dir: Path) -> None:
        self.folder = snapshot_dir / "parliament" / "rss"

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        key = self.ROUTES.get(path)
        found = sorted(self.folder.glob(f"*{key}*.rss")) if key else []
        return (200, "application/rss+xml; charset=utf-8", found[0].read_bytes()) if found \
            else NOT_FOUND


class ContractsFinderReplay:
    """The OCDS search as one release package (cursor paging) over every recorded release."""

    host = "www.contractsfinder.service.gov.uk"
    PATH = "/Published/Notices/OCDS/Search"

    def __init__(self, snapshot_dir: Path) -> None:
        self.releases: list[dict[str, Any]] = []
        for file in sorted((snapshot_dir / "funding").glob("contracts_finder_ocds_*/*.json")):
            data = _load(file)
            if not isinstance(data, dict) or "records" in data or "compiledRelease" in data:
                continue  # records are not served by the release search
            found = data.get("releases") if isinstance(data.get("releases"), list) else [data]
            self.releases += [{k: v for k, v in r.items() if k != "packageInfo"} for r in found
                              if isinstance(r, dict) and r.get("ocid")]
        self.releases.sort(key=lambda r: (str(r.get("date", "")), str(r.get("id", ""))))

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path != self.PATH:
            return NOT_FOUND
        start, limit = _int(query, "cursor", default=0), _int(query, "limit", default=100)
        package: dict[str, Any] = {
            "uri": f"https://{self.host}{self.PATH}", "version": "1.1",
            "publishedDate": max((str(r.get("date", "")) for r in self.releases), default=""),
            "publisher": {"name": "Cabinet Office", "scheme": "GB-GOVUK", "uid": "D2"},
            "license": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            "releases": self.releases[start:start + limit]}
        if start + limit < len(self.releases):
            package["links"] = {"next": f"https://{self.host}{self.PATH}?limit={limit}"
                                        f"&cursor={start + limit}"}
        return json_reply(package)


class ThreeSixtyGivingReplay:
    """The 360Giving registry (data.json) listing each recorded grants file, and the files,
    served at /replay-files/<name>.json (a replay-only address)."""

    host = "data.threesixtygiving.org"

    def __init__(self, snapshot_dir: Path) -> None:
        self.files: dict[str, Path] = {}
        self.registry: list[dict[str, Any]] = []
        for file in sorted((snapshot_dir / "funding" / "threesixtygiving").glob("*.json")):
            data = _load(file)
            grants = data.get("grants") if isinstance(data, dict) else None
            if not isinstance(grants, list) or not grants:
                continue
            self.files[file.name] = file
            first = grants[0]
            funder = (first.get("fundingOrganization") or [{}])[0]
            self.registry.append({
                "identifier": file.stem, "title": file.stem, "license": "",
                "publisher": {"name": funder.get("name", ""),
                              "prefix": "-".join(str(first.get("id", "")).split("-")[:2])},
                "modified": max(str(g.get("dateModified") or "") for g in grants),
                "distribution": [{"title": file.stem, "downloadURL":
                                  f"https://{self.host}/replay-files/{file.name}"}]})

    def handle(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/data.json":
            return json_reply(self.registry)
        file = self.files.get(path.removeprefix("/replay-files/"))
        return (200, JSON_TYPE, file.read_bytes()) if file else NOT_FOUND


REPLAYS = (ParlParseReplay, WrittenQuestionsReplay, BillsApiReplay, BillsRssReplay,
           ContractsFinderReplay, ThreeSixtyGivingReplay)
