"""One story, many sources: collapse exact duplicates and cluster near-duplicates.

Exact duplicates share a canonical URL (hence an id) or a content hash. Near-duplicates across
sources (a press release, the written statement, the Hansard exchange, a council's echo) are
documents whose document vectors have a cosine of at least `similarity` and that were published
within `window_days` of each other; clusters are the connected components. Each cluster's lead
is its earliest item, preferring the configured lead kinds on the same day; its id is the
cluster id. Pure: vectors in, assignments out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from nlp.config import ClusteringConfig
from nlp.disjoint_sets import DisjointSets


@dataclass(frozen=True)
class StoryItem:
    document_id: uuid.UUID
    vector: np.ndarray  # L2-normalised document vector
    published_at: datetime
    content_hash: str = ""
    kind: str = ""
    source: str = ""


@dataclass(frozen=True)
class Story:
    lead: uuid.UUID
    members: list[uuid.UUID]  # the timeline: oldest first


def cluster_stories(items: list[StoryItem], settings: ClusteringConfig) -> list[Story]:
    """Stories (clusters) over `items`; every item is in exactly one, singletons included."""
    if not items:
        return []
    sets = DisjointSets(range(len(items)))
    first_of_hash: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.content_hash:
            sets.union(index, first_of_hash.setdefault(item.content_hash, index))
    vectors = np.stack([np.asarray(i.vector, dtype=np.float32) for i in items])
    similar = vectors @ vectors.T >= settings.similarity
    seconds = np.asarray([i.published_at.timestamp() for i in items])
    near = np.abs(seconds[:, None] - seconds[None, :]) <= settings.window_days * 86400
    for a, b in zip(*np.nonzero(np.triu(similar & near, k=1)), strict=True):
        sets.union(int(a), int(b))
    groups: dict[int, list[StoryItem]] = {}
    for index, item in enumerate(items):
        groups.setdefault(sets.find(index), []).append(item)
    rank = {kind: i for i, kind in enumerate(settings.lead_kinds)}
    stories = []
    for members in groups.values():
        timeline = sorted(members, key=lambda i: (i.published_at, str(i.document_id)))
        lead = min(members, key=lambda i: (i.published_at.date(), rank.get(i.kind, len(rank)),
                                           i.published_at, str(i.document_id)))
        stories.append(Story(lead.document_id, [i.document_id for i in timeline]))
    return sorted(stories, key=lambda s: str(s.lead))


def cluster_ids(stories: list[Story]) -> dict[uuid.UUID, uuid.UUID]:
    """document id -> cluster id (the lead's document id)."""
    return {member: story.lead for story in stories for member in story.members}
