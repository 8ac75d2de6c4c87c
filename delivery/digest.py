"""Building the daily digest from scored documents: pure, no I/O (rendering is in render.py).

Sections, in order: Actions due, Threats, Opportunities (by theme), Funding, In Parliament,
Also on the themes (by theme), Emerging. Each document appears once, in the first section that
claims it; a story told by several sources appears once, the others folded under it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field

from delivery.gate import BACKFILL, EXCLUDE, NOT_YET, OWN_NOTICE, GateTerms, judge
from delivery.health import SourceHealth
from delivery.items import (
    DigestItem,
    RelatedLink,
    build_item,
    regional_mentions,
    source_name,
    speaker_of,
)
from delivery.mps_section import MpLine
from delivery.ranking import funding_facts, rank_score, region_relevance
from delivery.text import clip
from delivery.today import BriefLine, build_brief, hard_cap, search_link
from warehouse.config.profiles import Profile
from warehouse.deadlines import deadline, is_closed
from warehouse.records import DocumentKind, ScoredDocument, Signal
from warehouse.text import UK

SECTION_TITLES = {
    "actions": "Actions due",
    "threats": "Threats",
    "opportunities": "Opportunities",
    "funding": "Funding",
    "parliament": "In Parliament",
    "developments": "Also on the Mayor's themes",
    "emerging": "Emerging",
}
GROUPED_BY_THEME = {"opportunities", "developments"}
ACTION_KINDS = {DocumentKind.CONSULTATION, DocumentKind.CALL_FOR_EVIDENCE}
FUNDING_KINDS = {DocumentKind.FUNDING_CALL, DocumentKind.GRANT, DocumentKind.TENDER}
PARLIAMENT_KINDS = {DocumentKind.DEBATE, DocumentKind.WRITTEN_QUESTION,
                    DocumentKind.WRITTEN_STATEMENT, DocumentKind.BILL}
REGION_GROUP = "Across the region"
DIGEST_HOUR = 7
SAME_SPEECH_OVERLAP = 0.6


def digest_moment(day: date) -> datetime:
    """The digest's own "now": 07:00 Europe/London on its day (UTC). Deadlines, days left,
    open/closed, staleness and the quiet-day logic are all judged at this moment, so a past
    day re-rendered shows what that morning's digest would have shown."""
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=UK).astimezone(UTC)


class DigestGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str  # the theme, or "" for an ungrouped section
    items: list[DigestItem]
    more: int = 0  # left out by the per-section cap


class DigestSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    groups: list[DigestGroup]

    @property
    def count(self) -> int:
        return sum(len(g.items) + g.more for g in self.groups)


class VolumeBar(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    count: int
    percent: int  # bar width relative to the busiest theme


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str
    authority: str
    day: date
    sections: list[DigestSection]
    new_items: int
    unmatched_items: int
    volume: list[VolumeBar] = Field(default_factory=list)
    health: SourceHealth = Field(default_factory=lambda: SourceHealth(problems=[], healthy=0))
    brief: list[BriefLine] = Field(default_factory=list)
    own_notices: list[DigestItem] = Field(default_factory=list)
    more: int = 0  # left out by the digest's hard cap (max_items) or a section's cap
    more_url: str = ""  # the search page filtered to the digest's window
    backfilled: int = 0  # stored, searchable, but older than the age window: not listed
    backfilled_since: date | None = None  # the oldest of them
    reminder_days: int = 3
    mps: list[MpLine] = Field(default_factory=list)  # "Our MPs this week" (delivery/mps_section)
    labels_learned: int = 0  # office labels the profile's current theme heads were refitted on

    def count(self, key: str) -> int:
        return next((s.count for s in self.sections if s.key == key), 0)

    @property
    def shown_items(self) -> int:
        """Items listed in this e-mail (the rest are behind `more_url`)."""
        return sum(len(g.items) for s in self.sections for g in s.groups)

    @property
    def matched_items(self) -> int:
        return sum(s.count for s in self.sections)

    @property
    def nothing_new(self) -> bool:
        """Nothing new made it into any section (deadlines carried over do not count)."""
        return not any(i.new for s in self.sections for g in s.groups for i in g.items)

    @property
    def reminders(self) -> list[DigestItem]:
        """Actions due within `reminder_days`: sent even on a day with nothing new."""
        return [i for s in self.sections if s.key == "actions" for g in s.groups
                for i in g.items if i.days_left is not None
                and 0 <= i.days_left <= self.reminder_days]

    @property
    def quiet(self) -> bool:
        """Nothing new and no deadline close enough to remind of: nothing worth sending."""
        return self.nothing_new and not self.reminders

    @property
    def subject(self) -> str:
        if self.quiet:
            return f"Horizon {self.day:%-d %b}: quiet day, nothing new"
        if self.nothing_new:
            n = len(self.reminders)
            return (f"Horizon {self.day:%-d %b}: nothing new; {n} deadline"
                    f"{'' if n == 1 else 's'} within {self.reminder_days} days")
        labels = (("threats", "threat", "threats"), ("opportunities", "opportunity",
                  "opportunities"), ("actions", "deadline", "deadlines"),
                  ("funding", "funding item", "funding items"),
                  ("parliament", "in Parliament", "in Parliament"),
                  ("developments", "other on themes", "other on themes"),
                  ("emerging", "emerging", "emerging"))
        parts = [f"{n} {one if n == 1 else many}" for key, one, many in labels
                 if (n := self.count(key))]
        return f"Horizon {self.day:%-d %b}: " + ", ".join(parts)


def _is_funding(scored: ScoredDocument) -> bool:
    """A funding call, grant or tender, or an item saying how to get money or what the region
    gets; a national total alone ("£20bn for ...") is news, not funding."""
    facts = funding_facts(scored)
    route = facts is not None and (facts.max_award_gbp or facts.closes_at
                                   or facts.eligible_applicants or facts.regional_amount_gbp)
    return scored.document.kind in FUNDING_KINDS or bool(route)


def _closing_soon(scored: ScoredDocument, now: datetime, window_days: int) -> bool:
    closes = deadline(scored)
    if closes is None or not now <= closes <= now + timedelta(days=window_days):
        return False
    return scored.document.kind in ACTION_KINDS or _is_funding(scored)


def section_for(scored: ScoredDocument, profile: Profile, now: datetime,
                cluster_size: int = 1) -> str | None:
    """The first section that claims a document that passed the gate, or None."""
    options = profile.digest
    matched = scored.best_theme is not None
    regional = region_relevance(scored) >= options.region_threshold
    facts = funding_facts(scored)
    eligible = facts is not None and facts.eligible_for_authority is True
    relevant = matched or regional or eligible
    signal = scored.insight.signal if scored.insight is not None else Signal.NEUTRAL
    closed = is_closed(scored, now)
    if scored.document.withdrawn_at is not None:
        return "developments" if matched else None
    if relevant and _closing_soon(scored, now, options.actions_window_days):
        return "actions"
    if relevant and signal is Signal.THREAT:
        return "threats"
    if relevant and _is_funding(scored) and not closed:
        return "funding"
    if scored.document.kind in PARLIAMENT_KINDS and regional_mentions(scored, profile):
        return "parliament"
    if relevant and signal is Signal.OPPORTUNITY and not closed:
        return "opportunities"
    if matched:
        return "developments"
    if cluster_size > 1 or regional:
        return "emerging"
    return None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()[:1_500]))


def _same_speech(a: ScoredDocument, b: ScoredDocument) -> bool:
    """Two copies of one contribution (ParlParse and the Hansard API): same speaker and day,
    mostly the same words."""
    da, db = a.document, b.document
    if da.kind not in PARLIAMENT_KINDS or db.kind not in PARLIAMENT_KINDS:
        return False
    when_a, when_b = da.published_at, db.published_at
    if when_a is None or when_b is None or when_a.date() != when_b.date():
        return False
    names_a, names_b = ({n.strip().lower() for n in speaker_of(x).split(",") if n.strip()}
                        for x in (a, b))
    if not names_a & names_b:
        return False
    wa = _words(f"{da.summary} {da.body_text}")
    wb = _words(f"{db.summary} {db.body_text}")
    # one copy may carry the whole exchange, the other the one contribution: overlap of the
    # smaller word set
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= SAME_SPEECH_OVERLAP


def _clusters(scored: list[ScoredDocument], rank: dict) -> list[list[ScoredDocument]]:
    """Documents grouped by story cluster, best-ranked first; unclustered ones stand alone;
    two copies of one speech are one group."""
    groups: dict[object, list[ScoredDocument]] = defaultdict(list)
    for entry in scored:
        cluster = entry.insight.cluster_id if entry.insight is not None else None
        key = cluster or entry.document.id
        if entry.document.kind in PARLIAMENT_KINDS:
            key = next((k for k, g in groups.items()
                        if any(_same_speech(member, entry) for member in g)), key)
        groups[key].append(entry)
    return [sorted(g, key=lambda e: (-rank[e.document.id], e.document.title))
            for g in groups.values()]


def _theme_name(scored: ScoredDocument, profile: Profile) -> str:
    best = scored.best_theme
    return profile.theme(best.theme).name if best is not None else REGION_GROUP


def _funding_rank(scored: ScoredDocument) -> int:
    facts = funding_facts(scored)
    if facts is not None and facts.regional_amount_gbp:
        return 0
    return 1 if facts is not None and facts.eligible_for_authority else 2


def _order(key: str, entries: list[tuple[ScoredDocument, DigestItem]]):
    if key == "actions":
        return sorted(entries, key=lambda p: (p[1].closes_at, -p[1].score, p[1].title))
    if key == "funding":  # the region's own share first, then calls the authority may enter
        return sorted(entries, key=lambda p: (_funding_rank(p[0]), -p[1].score, p[1].title))
    return sorted(entries, key=lambda p: (-p[1].score, p[1].title))


def _groups(key: str, entries: list[tuple[ScoredDocument, DigestItem]], profile: Profile
            ) -> list[DigestGroup]:
    cap = profile.digest.max_items_per_section
    buckets: dict[str, list[DigestItem]] = defaultdict(list)
    for scored, item in _order(key, entries):
        buckets[_theme_name(scored, profile) if key in GROUPED_BY_THEME else ""].append(item)
    return [DigestGroup(title=title, items=items[:cap], more=max(0, len(items) - cap))
            for title, items in buckets.items()]


def build_volume(volume: dict[str, int], profile: Profile) -> list[VolumeBar]:
    """Bars for the week's volume by theme, only when at least two themes had something."""
    counts = [(t.name, volume.get(t.id, 0)) for t in profile.themes if volume.get(t.id, 0)]
    if len(counts) < 2:
        return []
    top = max(count for _, count in counts)
    counts.sort(key=lambda c: (-c[1], c[0]))
    return [VolumeBar(name=name, count=count, percent=max(2, round(100 * count / top)))
            for name, count in counts]


def build_digest(
    scored: list[ScoredDocument],
    profile: Profile,
    day: date,
    *,
    now: datetime | None = None,
    open_deadlines: list[ScoredDocument] | None = None,
    volume: dict[str, int] | None = None,
    health: SourceHealth | None = None,
    source_names: dict[str, str] | None = None,
    gate: GateTerms | None = None,
) -> Digest:
    """Gate, place, rank and cap the documents changed in the window, plus deadlines still
    open; `now` defaults to the digest's own moment (07:00 on `day`), never the wall clock."""
    now = now or digest_moment(day)
    options = profile.digest
    window_ids = {entry.document.id for entry in scored}
    carried = [e for e in open_deadlines or [] if e.document.id not in window_ids]
    rank = {e.document.id: rank_score(e, options.ranking, now, options.actions_window_days)
            for e in [*scored, *carried]}
    placed: dict[str, list[tuple[ScoredDocument, DigestItem]]] = defaultdict(list)
    own: list[DigestItem] = []
    unmatched, backfill = 0, []

    def item(entry: ScoredDocument, **extra) -> DigestItem:
        follow_up = extra.pop("follow_up", False)
        built = build_item(entry, profile, now=now, score=rank[entry.document.id],
                           source_names=source_names, **extra)
        return built.model_copy(update={"follow_up": True}) if follow_up else built

    for cluster in _clusters(scored, rank):
        verdicts = [judge(e, profile, now, gate) for e in cluster]
        backfill += [e for e, v in zip(cluster, verdicts, strict=True) if v.decision == BACKFILL]
        own += [item(e) for e, v in zip(cluster, verdicts, strict=True)
                if v.decision == OWN_NOTICE]
        kept = [e for e, v in zip(cluster, verdicts, strict=True) if v.decision == "include"]
        unmatched += sum(v.decision in (EXCLUDE, NOT_YET) for v in verdicts)
        if not kept:
            continue
        lead = kept[0]
        key = section_for(lead, profile, now, cluster_size=len(kept))
        if key is None:
            unmatched += len(kept)
            continue
        related = [RelatedLink(title=clip(e.document.title, 200), url=e.document.url,
                               source=source_name(e.document.source, source_names))
                   for e in kept[1:]]
        story = lead.insight.cluster_id if lead.insight is not None else None
        follow_up = story is not None and story not in window_ids
        placed[key].append((lead, item(lead, related=related, follow_up=follow_up)))
    for entry in carried:
        if (judge(entry, profile, now, gate).decision == "include"
                and section_for(entry, profile, now) == "actions"):
            placed["actions"].append((entry, item(entry, new=False)))
    sections = [DigestSection(key=key, title=title, groups=_groups(key, placed[key], profile))
                for key, title in SECTION_TITLES.items() if placed[key]]
    sections, dropped = hard_cap(sections, options.max_items)
    oldest = min((e.document.published_at or e.document.updated_at for e in backfill
                  if e.document.published_at or e.document.updated_at), default=None)
    start = day - timedelta(days=options.lookback_days)
    more = dropped
    return Digest(
        profile_id=profile.id, authority=profile.short_name, day=day, sections=sections,
        new_items=len(scored), unmatched_items=unmatched,
        volume=build_volume(volume or {}, profile),
        health=_named_health(health or SourceHealth(problems=[], healthy=0), source_names),
        brief=build_brief(sections, options.brief_items),
        own_notices=sorted(own, key=lambda i: i.title)[:options.max_items_per_section],
        more=more, more_url=search_link(profile, start, day) if more else "",
        backfilled=len(backfill), backfilled_since=oldest.date() if oldest else None,
        reminder_days=options.reminder_days,
    )


def _named_health(health: SourceHealth, names: dict[str, str] | None) -> SourceHealth:
    lines = [line.model_copy(update={"source": source_name(line.source, names)})
             for line in health.problems]
    return health.model_copy(update={"problems": lines})
