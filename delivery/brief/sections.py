"""The sections after the bottom line, each from the retrieved rows and their sentences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from delivery.brief.config import BriefConfig
from delivery.brief.figures import figures_in, has_amount
from delivery.brief.model import Line, Section, SourceRow
from delivery.brief.parliament import is_parliamentary, speakers_of
from delivery.brief.select import Candidate
from warehouse.config.profiles import Profile
from warehouse.records import Signal

if TYPE_CHECKING:
    from delivery.brief.build import Citer

KIND_LABELS = {
    "news": "Announcement", "press_release": "Announcement", "policy_paper": "Policy paper",
    "consultation": "Consultation", "call_for_evidence": "Call for evidence",
    "statistics": "Statistics", "research": "Research", "speech": "Speech",
    "written_statement": "Written statement", "guidance": "Guidance",
    "corporate_report": "Report", "debate": "Debate", "written_question": "Written question",
    "bill": "Bill", "funding_call": "Funding call", "tender": "Tender", "grant": "Grant",
    "regional_news": "Regional news", "other": "Publication",
}
OPEN_KINDS = frozenset({"consultation", "call_for_evidence", "funding_call", "tender", "grant"})
APPLICANTS = {"local_authority": "local authorities", "combined_authority": "combined authorities",
              "public_body": "public bodies", "business": "businesses", "charity": "charities",
              "university": "universities", "partnership": "partnerships",
              "individual": "individuals", "other": "others"}


@dataclass
class Context:
    rows: list[SourceRow]
    candidates: list[Candidate]
    profile: Profile
    config: BriefConfig
    as_of: date
    citer: Citer

    def sentences_of(self, row: SourceRow) -> list[Candidate]:
        return sorted((c for c in self.candidates if c.row.id == row.id),
                      key=lambda c: -c.topic)


def day(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else "undated"


def timeline(ctx: Context) -> Section:
    relevant = _relevant_documents(ctx, top=len(ctx.rows))
    on_topic = [r for r in ctx.rows if r.id in relevant]
    rows = (on_topic if len(on_topic) >= 3 else ctx.rows)[:ctx.config.sections.timeline_max]
    ordered = sorted(rows, key=lambda r: (r.published_at is None, r.published_at or 0, r.rank))
    lines = [ctx.citer.title(r, f"{day(r.published_at)} · {KIND_LABELS.get(r.kind, r.kind)}")
             for r in ordered]
    return Section(key="timeline", heading="What is happening", lines=lines)


def for_us(ctx: Context) -> Section:
    region = ctx.profile.region.name
    lines: list[Line] = []
    relevant = _relevant_documents(ctx)
    money = [c for c in ctx.candidates if has_amount(c.text) and c.row.id in relevant
             and (c.region or not c.fragment)]
    money.sort(key=lambda c: (not c.region, -c.score))
    per_doc: dict = defaultdict(int)
    for c in money:
        if len([x for x in lines if x.quote]) >= ctx.config.sections.money_max:
            break
        if per_doc[c.row.id] < 2:
            per_doc[c.row.id] += 1
            label = f"Money for {region}" if c.region else "Money (national or elsewhere)"
            if c.fragment:  # a table row: say which document's table
                label += f", in “{c.row.title}”"
            lines.append(ctx.citer.quote(c.row, c.text, label))
    on_topic = _relevant_documents(ctx, top=len(ctx.rows))
    for side in (Signal.THREAT, Signal.OPPORTUNITY):
        for row in (r for r in ctx.rows if r.signal is side and r.id in on_topic):
            reason, quoted = _signal_parts(row.signal_reason)
            sentence = _sentence_for(ctx, row, quoted)
            if any(x.quote and x.quote.text == sentence for x in lines):
                sentence = ""  # already quoted above: cite the document by its title
            label = reason or side.value.capitalize()
            lines.append(ctx.citer.quote(row, sentence, label) if sentence
                         else ctx.citer.title(row, label))
    lines.extend(_places(ctx))
    return Section(key="for_us", heading="What it means for us", lines=lines,
                   empty_note=f"No source on this topic names {region}, its money or a signal.")


def _relevant_documents(ctx: Context, top: int = 6) -> set:
    """The documents whose best sentence is on the topic, among the best-ranked `top`."""
    best: dict = defaultdict(float)
    for c in ctx.candidates:
        if not c.fragment:
            best[c.row.id] = max(best[c.row.id], c.topic)
    floor = ctx.config.bottom_line.min_topic
    return {r.id for r in ctx.rows[:top] if best.get(r.id, 0.0) >= floor}


def _signal_parts(reason: str) -> tuple[str, str]:
    """'Threat: cut; delay - "quote"' -> ('Threat: cut; delay', 'quote')."""
    head, _, quoted = reason.partition(' - "')
    return head.strip(), quoted.rstrip('"').rstrip("…").strip()


def _sentence_for(ctx: Context, row: SourceRow, quoted: str) -> str:
    if not quoted:
        return ""
    for c in (c for c in ctx.candidates if c.row.id == row.id):
        if c.text.startswith(quoted[:60]):
            return c.text
    return ""


def _places(ctx: Context) -> list[Line]:
    region = ctx.profile.region
    named: dict[str, list[SourceRow]] = defaultdict(list)
    for row in ctx.rows:
        for place in row.places:
            named[place].append(row)
    councils = set(region.councils)
    order = sorted(named, key=lambda p: (p not in councils, -len(named[p]), p))[:8]
    return [Line(label=f"Named: {place} in " + ", ".join(
        f"[{ctx.citer.ref(r)}]" for r in named[place][:5])) for place in order]


def parliament(ctx: Context) -> Section:
    rows = [r for r in ctx.rows if is_parliamentary(r)]
    speakers = {r.id: speakers_of(r, ctx.profile) for r in rows}
    rows.sort(key=lambda r: (not any(s.region_mp for s in speakers[r.id]), r.rank))
    lines = []
    for row in rows[:ctx.config.sections.parliament_max]:
        who = "; ".join(s.label + (" (region's MP)" if s.region_mp else "")
                        for s in speakers[row.id][:3])
        label = " · ".join(p for p in (who, KIND_LABELS.get(row.kind, row.kind),
                                       row.metadata.get("stage", ""), day(row.published_at))
                           if p)
        best = ctx.sentences_of(row)
        lines.append(ctx.citer.quote(row, best[0].text, label) if best
                     else ctx.citer.title(row, label))
    return Section(key="parliament", heading="In Parliament", lines=lines,
                   empty_note="No debate, question, statement or bill on this topic is stored.")


def closing(row: SourceRow) -> datetime | None:
    return row.closes_at or (row.funding.closes_at if row.funding else None)


def deadlines(ctx: Context) -> Section:
    rows = [r for r in ctx.rows if closing(r) and closing(r).date() >= ctx.as_of
            and (r.kind in OPEN_KINDS or r.funding is not None)]
    rows.sort(key=lambda r: closing(r))
    lines = []
    for row in rows:
        left = (closing(row).date() - ctx.as_of).days
        parts = [f"Closes {day(closing(row))} ({left} day{'s' if left != 1 else ''} left)"]
        facts = row.funding
        if facts and facts.eligible_applicants:
            parts.append("who may apply: " + ", ".join(
                APPLICANTS.get(a.value, a.value) for a in facts.eligible_applicants))
        elif row.kind in {"consultation", "call_for_evidence"}:
            parts.append("anyone may respond")
        may = facts.eligible_for_authority if facts else None
        if row.kind not in {"consultation", "call_for_evidence"} or may is not None:
            verdict = {True: "yes", False: "no", None: "not stated"}[may]
            reason = f" ({facts.eligibility_reason})" if facts and facts.eligibility_reason else ""
            parts.append(f"{ctx.profile.short_name} may apply: {verdict}{reason}")
        lines.append(ctx.citer.title(row, " · ".join(parts)))
    return Section(key="deadlines", heading="Deadlines and money", lines=lines,
                   empty_note="No consultation or funding on this topic is open on "
                              f"{ctx.as_of:%-d %b %Y}.")


def key_figures(ctx: Context) -> Section:
    seen: set[str] = set()
    relevant = _relevant_documents(ctx)
    lines = []
    for c in sorted(ctx.candidates, key=lambda c: -(c.topic + 0.15 * c.region)):
        new = [f for f in figures_in(c.text) if f not in seen]
        if not new or (c.fragment and not (c.region and c.row.id in relevant)) or (
                not c.fragment and c.topic < ctx.config.bottom_line.min_topic):
            continue
        seen.update(new)
        lines.append(ctx.citer.quote(c.row, c.text, ", ".join(new)))
        if len(lines) >= ctx.config.sections.figures_max:
            break
    return Section(key="figures", heading="Key figures", lines=lines,
                   empty_note="The sources on this topic state no amounts, shares or dates.")
