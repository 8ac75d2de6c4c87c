from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import numpy as np

from nlp.config import ClusteringConfig
from nlp.stories import StoryItem, cluster_ids, cluster_stories

DAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SETTINGS = ClusteringConfig(similarity=0.8, window_days=14,
                            lead_kinds=["press_release", "written_statement"])


def _vector(*values: float) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _item(name: str, vector: np.ndarray, at: datetime, kind: str = "news",
          content_hash: str = "") -> StoryItem:
    return StoryItem(uuid.uuid5(uuid.NAMESPACE_URL, name), vector, at, content_hash or name, kind)


def test_stories_near_duplicates_across_sources_form_one_story_with_a_lead() -> None:
    release = _item("release", _vector(1, 0.1, 0), DAY, "press_release")
    statement = _item("statement", _vector(1, 0.15, 0), DAY, "written_statement")
    hansard = _item("hansard", _vector(1, 0.2, 0.05), DAY + timedelta(days=2), "debate")
    other = _item("other", _vector(0, 1, 0), DAY)
    stories = cluster_stories([hansard, other, statement, release], SETTINGS)
    ids = cluster_ids(stories)
    assert ids[statement.document_id] == ids[hansard.document_id] == release.document_id
    assert ids[other.document_id] == other.document_id
    [story] = [s for s in stories if s.lead == release.document_id]
    assert story.members[-1] == hansard.document_id  # timeline oldest first


def test_stories_exact_duplicates_by_content_hash_collapse() -> None:
    first = _item("a", _vector(1, 0, 0), DAY, content_hash="same")
    copy = _item("b", _vector(0, 1, 0), DAY + timedelta(hours=1), content_hash="same")
    ids = cluster_ids(cluster_stories([first, copy], SETTINGS))
    assert ids[copy.document_id] == first.document_id


def test_stories_similar_items_far_apart_in_time_stay_apart() -> None:
    old = _item("old", _vector(1, 0, 0), DAY - timedelta(days=60))
    new = _item("new", _vector(1, 0, 0), DAY)
    ids = cluster_ids(cluster_stories([old, new], SETTINGS))
    assert ids[old.document_id] != ids[new.document_id]


def test_stories_no_items_no_stories() -> None:
    assert cluster_stories([], SETTINGS) == []
