"""The development set for the theme heads: rows, each profile's mapping, splits, cached vectors.

`../shared/devsets/policy_topics_dev.jsonl` (third-party labels mapped to WMCA themes by label
name) is read at fit time only; config/devset_theme_map.yaml maps it to each profile's themes.
Rows are split by a hash of their id (fit 60 % / cal 20 % / test 20 %): heads are fitted on fit,
calibrated and thresholded on cal, and test is only ever reported (bench/eval_themes.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from nlp.encoder import TextEncoder
from nlp.theme_fit import Labelled

DEVSET_FILE = "policy_topics_dev.jsonl"
MAP_FILE = "devset_theme_map.yaml"


@dataclass(frozen=True)
class DevRow:
    id: str
    text: str
    source: str
    label_raw: str
    themes: tuple[str, ...]  # the profile's theme ids (after the profile's mapping)
    title: str = ""  # the source's own title or heading, where it has one (a short view)


def devset_version(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def split_of(row_id: str) -> str:
    """fit 60 % / cal 20 % / test 20 %, by a hash of the id (independent of labels)."""
    bucket = int(hashlib.sha1(("devset:" + row_id).encode()).hexdigest()[:8], 16) % 100
    return "fit" if bucket < 60 else "cal" if bucket < 80 else "test"


def load_devset(path: Path, mapping: dict | None = None) -> list[DevRow]:
    """Rows of the devset with themes mapped for one profile (`mapping`: see map_themes)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        themes = map_themes(item["themes"], item.get("label_raw", ""), mapping)
        if themes is None:
            continue
        rows.append(DevRow(item["id"], item["text"], item["source"], item.get("label_raw", ""),
                           tuple(sorted(themes)), str(item.get("title") or "").strip()))
    return rows


def map_themes(wmca_themes: Sequence[str], label_raw: str, mapping: dict | None
               ) -> set[str] | None:
    """WMCA theme ids -> a profile's: None keeps them; else {"labels": {raw label: [ids]}}
    (matched on the label's start, overrides) and {"themes": {wmca id: [ids] | "omit"}}.
    None: the row makes no claim for the profile (a theme or label mapped to "omit")."""
    if mapping is None:
        return set(wmca_themes)
    for prefix, themes in (mapping.get("labels") or {}).items():
        if label_raw.startswith(prefix):
            return None if themes == "omit" else set(themes)
    by_theme = mapping.get("themes") or {}
    mapped: set[str] = set()
    for wmca in wmca_themes:
        themes = by_theme.get(wmca, [])
        if themes == "omit":
            return None
        mapped.update(themes)
    return mapped


def encode_cached(texts: list[str], encoder: TextEncoder, cache_dir: Path | None) -> np.ndarray:
    """Unit vectors of texts; kept in cache_dir (git-ignored out/) keyed by encoder and texts."""
    key = hashlib.sha256("\x00".join([encoder.version, *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"devset-vectors-{key}.npy" if cache_dir else None
    if path is not None and path.exists():
        return np.load(path)
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def truth_matrix(labels: Sequence[Sequence[str]], theme_ids: Sequence[str]) -> np.ndarray:
    return np.array([[t in row for t in theme_ids] for row in labels], dtype=bool)


def usable_mask(rows: Sequence[DevRow], theme_ids: Sequence[str], no_negatives: dict
                ) -> np.ndarray:
    """(rows, themes): False where a row must not count as a negative of a theme
    (`no_negatives`: {theme: [source, ...]}, e.g. manifesto rows for housing, which CMP lacks)."""
    mask = np.ones((len(rows), len(theme_ids)), dtype=bool)
    for j, theme in enumerate(theme_ids):
        sources = set(no_negatives.get(theme, []))
        for i, row in enumerate(rows):
            if row.source in sources and theme not in row.themes:
                mask[i, j] = False
    return mask


def mapped_profiles(config_dir: Path) -> list[str]:
    data = yaml.safe_load((config_dir / MAP_FILE).read_text(encoding="utf-8")) or {}
    return sorted(data.get("profiles") or {})


def profile_mapping(config_dir: Path, profile_id: str) -> tuple[dict | None, dict]:
    """(theme mapping or None for the devset's own ids, no-negatives rule) for a profile."""
    data = yaml.safe_load((config_dir / MAP_FILE).read_text(encoding="utf-8")) or {}
    profiles = data.get("profiles") or {}
    if profile_id not in profiles:
        raise ValueError(f"{MAP_FILE} has no mapping for profile {profile_id!r}")
    return profiles[profile_id], data.get("no_negatives") or {}


@dataclass(frozen=True)
class ProfileDevset:
    """The development set as one profile sees it: its file, its rows with themes mapped to the
    profile's, and the rule for which rows may count as negatives."""

    path: Path
    rows: list[DevRow]
    no_negatives: dict


def profile_devset(config_dir: Path, devsets_dir: Path, profile_id: str) -> ProfileDevset:
    mapping, no_negatives = profile_mapping(config_dir, profile_id)
    path = devsets_dir / DEVSET_FILE
    return ProfileDevset(path, load_devset(path, mapping), no_negatives)


def title_views(rows: Sequence[DevRow]) -> list[DevRow]:
    """A short view of each row that has a title (a Hansard heading, a policy or site name): the
    title alone as the text, same id (so the same split) and labels. GOV.UK listings, feeds and
    Hansard give only a title, so the heads see short inputs labelled by others too."""
    return [DevRow(row.id, row.title, row.source, row.label_raw, row.themes, row.title)
            for row in rows if row.title and row.title != row.text]


def labelled_rows(rows: Sequence[DevRow], theme_ids: Sequence[str], encoder: TextEncoder,
                  no_negatives: dict, cache_dir: Path | None, *, with_titles: bool = False
                  ) -> Labelled:
    """The rows as fitting input (with_titles: plus their title views); calibration rows by
    split_of."""
    titles = title_views(rows) if with_titles else []
    vectors = encode_cached([row.text for row in rows], encoder, cache_dir)
    if titles:
        vectors = np.vstack([vectors, encode_cached([row.text for row in titles], encoder,
                                                    cache_dir)])
    rows = [*rows, *titles]
    return Labelled(
        vectors=vectors,
        truth=truth_matrix([row.themes for row in rows], theme_ids),
        mask=usable_mask(rows, theme_ids, no_negatives),
        is_cal=np.array([split_of(row.id) == "cal" for row in rows], dtype=bool),
    )
