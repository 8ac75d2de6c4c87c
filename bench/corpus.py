"""Real sentences for the search benchmarks: GOV.UK payloads of the samples and the demo snapshot.

Shared by bench/search.py and bench/search_load.py, which build large warehouses from these
sentences (and vectors derived from their real embeddings).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from warehouse.config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def real_sentences(settings: Settings) -> list[str]:
    """Distinct sentences of 6-60 words from every GOV.UK content item, sorted."""
    texts: list[str] = []
    for folder in (settings.samples_dir / "govuk", ROOT / "demo" / "snapshot" / "govuk"):
        for path in sorted(folder.rglob("*.json")):
            try:
                item = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(item, dict):
                continue
            details = item.get("details") if isinstance(item.get("details"), dict) else {}
            parts = [item.get("title"), item.get("description"), details.get("body")]
            plain = " ".join(re.sub(r"<[^>]+>", " ", p) for p in parts if isinstance(p, str))
            texts += [s.strip() for s in SENTENCE.split(" ".join(plain.split()))]
    return sorted({s for s in texts if 6 <= len(s.split()) <= 60})
