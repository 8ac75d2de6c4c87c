"""The labelled theme set: hand-written texts plus real samples, split into dev and held-aside test.

Records have the `horizon classify` input shape ({"id", "title", "description", "body_text"}) plus
"themes" (the profile's theme ids), and the source's "organisations" and "tags" (GOV.UK taxons,
a written question's answering department; [] elsewhere) with "from_taxons" (labels derived from
those taxons) for the source-evidence rows of bench/eval_themes.py. The split is a hash of the
id: deterministic, and independent of the labels and of the profile. Thresholds and calibration
are fitted on "dev" only; "test" is only ever reported.

Each profile has its own label files (LABEL_FILES): WMCA labels live beside the hand-written
texts; CPCA relabels the same texts and samples by id, and adds CPCA-specific texts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from scrapers.govuk.parse import parse_content_item
from tests.support.data_paths import ROOT

DATA = ROOT / "bench" / "data"
TEST_SHARE = 0.4


@dataclass(frozen=True)
class LabelFiles:
    """Where a profile's labels live, under bench/data."""

    samples: str  # labels of the real samples (GOV.UK items, texts, written questions)
    hand_labels: str | None = None  # id -> themes for themes_hand.yaml (None: its own "themes")
    extra_texts: str | None = None  # further hand-written texts labelled for this profile only


LABEL_FILES = {
    "wmca": LabelFiles(samples="themes_samples.yaml"),
    "cpca": LabelFiles(samples="themes_samples_cpca.yaml", hand_labels="themes_hand_cpca.yaml",
                       extra_texts="themes_hand_cpca_texts.yaml"),
}


def _read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_of(record_id: str) -> str:
    digest = int(hashlib.sha1(record_id.encode()).hexdigest()[:8], 16)
    return "test" if digest % 100 < TEST_SHARE * 100 else "dev"


def taxon_titles(payload: dict) -> list[str]:
    """Titles of an item's taxons and all their parents."""
    titles: list[str] = []

    def walk(taxon: dict) -> None:
        titles.append(str(taxon.get("title", "")))
        for parent in taxon.get("links", {}).get("parent_taxons", []):
            walk(parent)

    for taxon in payload.get("links", {}).get("taxons", []):
        walk(taxon)
    return titles


def themes_from_taxons(titles: list[str], mapping: dict[str, list[str]]) -> list[str]:
    return sorted({theme for title in titles for theme in mapping.get(title, [])})


def _text_record(record_id: str, path: Path) -> dict:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line != "Skip to main content"]
    return {"id": record_id, "title": lines[0], "description": "",
            "body_text": "\n".join(lines[1:])}


def labelled_theme_ids(config_dir: Path, profile: str) -> dict[str, set[str]]:
    """Every theme id a profile's label files and taxon mapping use, by file (for config tests)."""
    files = LABEL_FILES[profile]
    hand = _read_yaml(DATA / "themes_hand.yaml")
    used = {"themes_hand.yaml": {theme for item in hand for theme in item["themes"]}}
    if files.hand_labels:
        relabel = _read_yaml(DATA / files.hand_labels)
        used = {files.hand_labels: {theme for themes in relabel.values() for theme in themes}}
    if files.extra_texts:
        extra = _read_yaml(DATA / files.extra_texts)
        used[files.extra_texts] = {theme for item in extra for theme in item["themes"]}
    labels = _read_yaml(DATA / files.samples)
    lists = [*labels["govuk"].values(), *labels["text"].values(),
             *labels["written_questions"]["labels"].values()]
    used[files.samples] = {theme for themes in lists if themes != "taxons" for theme in themes}
    mapping = _read_yaml(config_dir / "govuk_taxon_themes.yaml")[profile]
    used["govuk_taxon_themes.yaml"] = {theme for themes in mapping.values() for theme in themes}
    return used


def load_theme_set(samples_dir: Path, config_dir: Path, profile: str = "wmca") -> list[dict]:
    """Every labelled record, each with "split" set to dev or test."""
    if profile not in LABEL_FILES:
        raise ValueError(f"no labelled theme set for {profile!r}; have {sorted(LABEL_FILES)}")
    files = LABEL_FILES[profile]
    relabel = _read_yaml(DATA / files.hand_labels) if files.hand_labels else None
    records: list[dict] = []
    for item in _read_yaml(DATA / "themes_hand.yaml"):
        themes = item["themes"] if relabel is None else relabel[item["id"]]
        records.append({"id": item["id"], "title": item["title"], "description": "",
                        "body_text": item["text"], "themes": sorted(themes)})
    for item in _read_yaml(DATA / files.extra_texts) if files.extra_texts else []:
        records.append({"id": item["id"], "title": item["title"], "description": "",
                        "body_text": item["text"], "themes": sorted(item["themes"])})
    labels = _read_yaml(DATA / files.samples)
    mapping = yaml.safe_load((config_dir / "govuk_taxon_themes.yaml").read_text())[profile]
    now = datetime.now(UTC)
    for relative, themes in labels["govuk"].items():
        raw = (samples_dir / "govuk/content_api" / relative).read_bytes()
        document = parse_content_item(raw, source="govuk", fetched_at=now)
        from_taxons = themes == "taxons"
        if from_taxons:
            themes = themes_from_taxons(taxon_titles(json.loads(raw)), mapping)
        records.append({"id": f"govuk:{relative}", "title": document.title,
                        "description": document.summary, "body_text": document.body_text,
                        "themes": sorted(themes), "organisations": document.organisations,
                        "tags": document.tags, "from_taxons": from_taxons})
    for relative, themes in labels["text"].items():
        record = _text_record(f"text:{relative}", samples_dir / relative)
        records.append({**record, "themes": sorted(themes)})
    questions = labels["written_questions"]
    payload = json.loads((samples_dir / questions["file"]).read_text(encoding="utf-8"))
    for result in payload["results"]:
        value = result["value"]
        key = str(value["id"])
        if key in questions["labels"]:
            body = value.get("answeringBodyName")
            records.append({"id": f"wq:{key}", "title": value.get("heading") or "",
                            "description": "", "body_text": value.get("questionText") or "",
                            "themes": sorted(questions["labels"][key]),
                            "organisations": [body] if body else []})
    for record in records:
        record["split"] = split_of(record["id"])
        record.setdefault("organisations", [])
        record.setdefault("tags", [])
        record.setdefault("from_taxons", False)
    return records
