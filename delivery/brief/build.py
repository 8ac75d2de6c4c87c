"""Build a briefing paper from stored rows: pure functions, the vectors passed in.

Every part is extractive. Sections quote sentences of the retrieved documents (`Quote`) and
label them with stored fields (dates, names, kinds) or our own connective labels; nothing is
paraphrased. Sources are numbered in the order they are first cited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import numpy as np

from delivery.brief import sections
from delivery.brief.config import BriefConfig
from delivery.brief.model import Brief, Line, Quote, Section, SourceEntry, SourceRow
from delivery.brief.select import (
    extract_candidates,
    mmr,
    region_pattern,
    score_candidates,
)
from warehouse.config.profiles import Profile


class Citer:
    """Numbers sources in the order they are first cited."""

    def __init__(self) -> None:
        self.order: dict[uuid.UUID, int] = {}
        self.rows: dict[uuid.UUID, SourceRow] = {}

    def ref(self, row: SourceRow) -> int:
        if row.id not in self.order:
            self.order[row.id] = len(self.order) + 1
            self.rows[row.id] = row
        return self.order[row.id]

    def quote(self, row: SourceRow, text: str, label: str = "") -> Line:
        ref = self.ref(row)
        return Line(label=label, quote=Quote(text=text, document_id=row.id, ref=ref),
                    link=row.url, ref=ref)

    def title(self, row: SourceRow, label: str = "") -> Line:
        return Line(label=label, title=row.title, link=row.url, ref=self.ref(row))

    def entries(self) -> list[SourceEntry]:
        return [SourceEntry(ref=ref, document_id=doc, title=self.rows[doc].title,
                            publisher=self.rows[doc].publisher,
                            published_at=self.rows[doc].published_at, url=self.rows[doc].url,
                            fetched_at=self.rows[doc].fetched_at.astimezone(UTC),
                            stored_text=self.rows[doc].stored_text)
                for doc, ref in self.order.items()]


def build_brief(topic: str, rows: list[SourceRow], sentence_vectors: np.ndarray,
                topic_vector: np.ndarray | None, profile: Profile, config: BriefConfig, *,
                as_of: date, since: date | None = None, until: date | None = None,
                encoder_version: str = "", now: datetime | None = None) -> Brief:
    """The paper over `rows` (search order); `sentence_vectors` row for row with
    `sentence_candidates(rows, config)`."""
    candidates = extract_candidates(rows, config.sentences)
    if len(candidates) != len(sentence_vectors):
        raise ValueError("one sentence vector per candidate sentence")
    dated = [r.published_at.date() for r in rows if r.published_at]
    span = (max(dated) - min(dated)).days if dated else 14
    score_candidates(candidates, sentence_vectors, topic_vector, as_of, span,
                     region_pattern(profile), config.bottom_line)
    citer = Citer()
    chosen = mmr(candidates, sentence_vectors, config.bottom_line)
    bottom = Section(key="bottom_line", heading="Bottom line",
                     lines=[citer.quote(candidates[i].row, candidates[i].text) for i in chosen])
    ctx = sections.Context(rows=rows, candidates=candidates, profile=profile, config=config,
                           as_of=as_of, citer=citer)
    parts = [bottom, sections.timeline(ctx), sections.for_us(ctx), sections.parliament(ctx),
             sections.deadlines(ctx), sections.key_figures(ctx)]
    models = sorted({r.model_version for r in rows if r.model_version} |
                    ({encoder_version} if encoder_version else set()))
    return Brief(topic=topic, profile=profile.id, region=profile.region.name, as_of=as_of,
                 since=since, until=until, generated_at=now or datetime.now(UTC),
                 sections=parts, sources=citer.entries(), model_versions=models,
                 parser_versions=sorted({r.parser_version for r in citer.rows.values()
                                         if r.parser_version}))
