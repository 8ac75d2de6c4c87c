"""Funding facts from the text of funding calls, tenders and announcements.

Amounts ("£19 million", "up to £2m", "£500k", "£20,000 - £3,000,000") are read sentence by
sentence and sorted into a total pot or per-award bounds by the words around them; opening and
closing dates keep their time and the UK time zone ("by 10 January 2024 4.00pm UK time" is
16:00 Europe/London); who may apply, place restrictions and match funding come from the
eligibility wording; the verdict on whether the authority may apply is given with its reason.
Facts the source states in structured form (Document.funding, opens_at, closes_at) win.
Pure functions; the terms live in config/funding_terms.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from nlp.config import FundingConfig
from warehouse.records import ApplicantType, Document, FundingFacts
from warehouse.text import normalise_space, split_sentences

_AMOUNT = re.compile(
    r"£\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(million|billion|thousand|bn|m|k)?(?![a-z])",
    re.IGNORECASE,
)
_RANGE = re.compile(r"£[^£]{1,25}?(?:-|–|to|and)\s*(?:up to\s*)?£", re.IGNORECASE)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?"
    r"\s+(\d{4})\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b(?:(\d{1,2})[:.](\d{2})\s*(am|pm)?|(\d{1,2})\s*(am|pm)|(noon|midday|midnight))",
    re.IGNORECASE)
_APPLY = re.compile(r"\bapplications?\b|\bapply\b", re.IGNORECASE)


@dataclass(frozen=True)
class FundingTerms:
    kinds: frozenset[str]
    cues: re.Pattern[str]
    total: re.Pattern[str]
    award: re.Pattern[str]
    closing: re.Pattern[str]
    opening: re.Pattern[str]
    eligibility: re.Pattern[str]
    applicants: dict[ApplicantType, re.Pattern[str]]
    invitation_only: re.Pattern[str]
    place: re.Pattern[str]
    national_places: frozenset[str]
    match_funding: re.Pattern[str]
    funders: list[str]
    funder_cues: re.Pattern[str]
    eoi: re.Pattern[str]
    outline: re.Pattern[str]
    full_stage: re.Pattern[str]
    other_process: re.Pattern[str]


def parse_funding_terms(data: dict) -> FundingTerms:
    def rx(key: str) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{data[key]})", re.IGNORECASE)

    return FundingTerms(
        kinds=frozenset(data.get("funding_kinds", [])),
        cues=rx("cues"), total=rx("total_cues"), award=rx("award_cues"),
        closing=rx("closing_cues"), opening=rx("opening_cues"), eligibility=rx("eligibility_cues"),
        applicants={ApplicantType(k): re.compile(rf"\b(?:{v})", re.IGNORECASE)
                    for k, v in data["applicants"].items()},
        invitation_only=rx("invitation_only"),
        place=re.compile(data["place_restriction"]),
        national_places=frozenset(data.get("national_places", [])),
        match_funding=rx("match_funding"),
        funders=list(data.get("funders", [])),
        funder_cues=re.compile(rf"(?:{data['funder_cues']})\s*$", re.IGNORECASE),
        eoi=rx("eoi_cues"), outline=rx("outline_cues"), full_stage=rx("full_application_cues"),
        other_process=rx("other_process_cues"),
    )


def is_funding_text(document: Document, text: str, terms: FundingTerms) -> bool:
    if document.kind.value in terms.kinds or document.funding is not None:
        return True
    if not terms.cues.search(text):
        return False
    return bool(_AMOUNT.search(text) or (_DATE.search(text) and _APPLY.search(text)))


def extract_funding(
    document: Document,
    terms: FundingTerms,
    settings: FundingConfig,
    region_names: list[str],
) -> FundingFacts | None:
    """Funding facts of a funding call or announcement; None when the text is not one."""
    head = "\n".join(s for s in (document.title, document.summary) if s.strip())
    text = f"{head}\n{document.body_text[: settings.scan_max_chars]}"
    if not is_funding_text(document, text, terms):
        return None
    zone = ZoneInfo(settings.timezone)
    units = _units(text)
    total, low, high = _amounts(units, len(_units(head)), terms)
    own_consultation = document.kind.value in ("consultation", "call_for_evidence")
    opens_at, closes_at, stage = _dates(units, terms, zone, settings, own_consultation)
    regional, recipient = _allocation(units, region_names)
    eligibility = _eligibility_text(units, terms)
    applicants = [kind for kind, pattern in terms.applicants.items() if pattern.search(eligibility)]
    places = _places(text, terms)
    match = next((u for u in units if terms.match_funding.search(u)), "")
    invited = bool(terms.invitation_only.search(text))
    found = FundingFacts(
        funder=_funder(text, terms, document),
        total_amount_gbp=total, max_award_gbp=high, min_award_gbp=low,
        opens_at=opens_at, closes_at=closes_at, eligible_applicants=applicants,
        place_restrictions=places, match_funding=_clip(match, 300),
        regional_amount_gbp=regional, regional_recipient=recipient, deadline_stage=stage,
    )
    return _with_verdict(_merge(document, found), terms, region_names, invited)


def _units(text: str) -> list[str]:
    """Sentences, with every line break also ending one."""
    return split_sentences(text)


def parse_amount(number: str, scale: str | None) -> float:
    return round(float(number.replace(",", "")) * _SCALE.get((scale or "").lower(), 1.0), 2)


def _amounts(units: list[str], head_units: int, terms: FundingTerms):
    totals: list[float] = []
    head_plain: list[float] = []
    awards: list[float] = []
    for index, unit in enumerate(units):
        values = [parse_amount(m.group(1), m.group(2)) for m in _AMOUNT.finditer(unit)]
        if not values:
            continue
        context = f"{units[index - 1] if index else ''} {unit}"
        if terms.award.search(unit) or _RANGE.search(unit) or (
                len(values) >= 1 and terms.award.search(context) and not terms.total.search(unit)):
            awards.extend(values)
        elif terms.total.search(unit):
            totals.append(values[0])
        elif index < head_units:
            head_plain.append(values[0])
    total = totals[0] if totals else (head_plain[0] if head_plain else None)
    if not awards:
        return total, None, None
    low = min(awards) if len(awards) > 1 else None
    return total, low, max(awards)


def _date_roles(unit: str, dates: list[re.Match[str]], terms: FundingTerms,
                context: str) -> list[str]:
    """'open', 'close' or '' for each date of a sentence, by the nearest cue before it
    ("open on 12 January and close on 26 February": open, close); a date with no cue of its
    own takes the sentence's ('closes' ... 'between 1 and 5 May' closes on the last)."""
    roles: list[str] = []
    start = 0
    for match in dates:
        before = unit[start:match.start()]
        closing = [m.end() for m in terms.closing.finditer(before)]
        opening = [m.end() for m in terms.opening.finditer(before)]
        if closing or opening:
            roles.append("close" if max(closing, default=-1) > max(opening, default=-1)
                         else "open")
        else:
            roles.append("")
        start = match.end()
    if not any(roles):
        if terms.closing.search(context):
            roles[-1 if len(dates) > 1 and re.search(r"\bto\b|-|–", unit) else 0] = "close"
            if len(dates) > 1 and terms.opening.search(unit):
                roles[0] = roles[0] or "open"
        elif terms.opening.search(unit):
            roles[0] = "open"
    return roles


def _stage(unit: str, terms: FundingTerms) -> str:
    if terms.eoi.search(unit):
        return "expression of interest"
    if terms.outline.search(unit):
        return "outline application"
    if terms.full_stage.search(unit):
        return "full application"
    return ""


def _dates(units: list[str], terms: FundingTerms, zone: ZoneInfo, settings: FundingConfig,
           own_consultation: bool = False):
    """Opening and closing of the call itself: a sentence about a consultation (the guidance
    consultation beside a fund) is not the call's deadline unless the document is one."""
    opens_at = closes_at = None
    stage = ""
    for index, unit in enumerate(units):
        dates = list(_DATE.finditer(unit))
        if not dates:
            continue
        if not own_consultation and terms.other_process.search(unit):
            continue
        context = f"{units[index - 1] if index else ''} {unit}"
        for match, role in zip(dates, _date_roles(unit, dates, terms, context), strict=True):
            if role == "close" and closes_at is None:
                closes_at = _at(unit, match, zone, settings.date_only_close)
                stage = _stage(unit, terms)
            elif role == "open" and opens_at is None:
                opens_at = _at(unit, match, zone, "00:00")
    return opens_at, closes_at, stage


def _allocation(units: list[str], region_names: list[str]) -> tuple[float | None, str]:
    """The region's own share in an allocation list or sentence: 'West Midlands Combined
    Authority: £84 million', '£6.2 million earmarked for the West Midlands'. The authority's
    names are tried first (region_names order), so its line wins over a council's."""
    for name in [n for n in region_names if len(n) > 3]:
        escaped = re.escape(name)
        for unit in units:
            listed = re.match(rf"\s*(?:the\s+)?{escaped}\s*(?:[:–-]|\bwill receive|\breceives?"
                              rf"|\bgets?|\bis allocated)\s*(£[^,;(]*)", unit, re.IGNORECASE)
            named = listed or re.search(
                rf"(£\s?[\d.,]+\s*(?:million|billion|thousand|bn|m|k)?)\s+(?:is\s+|has been\s+)?"
                rf"(?:earmarked|allocated|ring-?fenced|set aside|reserved)\s+for\s+(?:the\s+)?"
                rf"{escaped}(?!\w)", unit, re.IGNORECASE)
            if named:
                amount = _AMOUNT.search(named.group(1))
                if amount:
                    return parse_amount(amount.group(1), amount.group(2)), name
    return None, ""


def _at(unit: str, date: re.Match[str], zone: ZoneInfo, default: str) -> datetime | None:
    day, month, year = int(date.group(1)), _MONTHS[date.group(2).lower()[:3]], int(date.group(3))
    window = unit[max(0, date.start() - 30):date.end() + 30]
    clock = _clock(window, date.group(0)) or time.fromisoformat(default)
    try:
        return datetime(year, month, day, clock.hour, clock.minute, tzinfo=zone)
    except ValueError:
        return None


def _clock(window: str, date_text: str) -> time | None:
    for match in _TIME.finditer(window.replace(date_text, " ")):
        if match.group(6):
            word = match.group(6).lower()
            return time(0, 0) if word == "midnight" else time(12, 0)
        hour = int(match.group(1) or match.group(4))
        minute = int(match.group(2) or 0)
        half = (match.group(3) or match.group(5) or "").lower()
        if not half and not match.group(2):
            continue
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return time(hour, minute)
    return None


def _eligibility_text(units: list[str], terms: FundingTerms) -> str:
    """Sentences that state eligibility, plus the lines under an eligibility heading."""
    picked: list[str] = []
    follow = 0
    for unit in units:
        if terms.eligibility.search(unit):
            picked.append(unit)
            follow = 8 if len(unit.split()) <= 6 else 0
        elif follow:
            picked.append(unit)
            follow -= 1
    return "\n".join(picked)


def _places(text: str, terms: FundingTerms) -> list[str]:
    places: list[str] = []
    for match in terms.place.finditer(text):
        place = normalise_space(match.group(1))
        place = "UK" if place == "United Kingdom" else place
        if place not in places:
            places.append(place)
    return places


def _funder(text: str, terms: FundingTerms, document: Document) -> str:
    best: tuple[int, str] | None = None
    for name in terms.funders:
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            cued = bool(terms.funder_cues.search(text[max(0, match.start() - 25):match.start()]))
            rank = (0 if cued else 1, match.start())
            if best is None or rank < best[0]:
                best = (rank, name)
            break
    if best is not None:
        return best[1]
    return document.organisations[0] if document.organisations else ""


def _merge(document: Document, found: FundingFacts) -> FundingFacts:
    """Structured facts from the source win over what the text says."""
    values = found.model_dump()
    if document.funding is not None:
        for key, value in document.funding.model_dump().items():
            if value not in (None, "", []):
                values[key] = value
    values["opens_at"] = document.opens_at or values["opens_at"]
    values["closes_at"] = document.closes_at or values["closes_at"]
    return FundingFacts(**values)


def _with_verdict(
    facts: FundingFacts, terms: FundingTerms, region_names: list[str], invited: bool
) -> FundingFacts:
    ours = {ApplicantType.LOCAL_AUTHORITY, ApplicantType.COMBINED_AUTHORITY,
            ApplicantType.PUBLIC_BODY}
    elsewhere = [p for p in facts.place_restrictions
                 if p not in terms.national_places and not any(
                     name.lower() in p.lower() or p.lower() in name.lower()
                     for name in region_names)]
    if facts.eligible_for_authority is not None:
        return facts
    if invited:
        verdict, reason = False, "invitation only"
    elif elsewhere:
        verdict, reason = False, f"restricted to {', '.join(elsewhere)}"
    elif ours & set(facts.eligible_applicants):
        named = ", ".join(a.value.replace("_", " ") for a in facts.eligible_applicants
                          if a in ours)
        verdict, reason = True, f"open to {named}"
    elif facts.eligible_applicants:
        named = ", ".join(a.value.replace("_", " ") for a in facts.eligible_applicants)
        verdict, reason = False, f"open to {named} only"
    else:
        verdict, reason = None, "the text does not say who may apply"
    return facts.model_copy(update={"eligible_for_authority": verdict,
                                    "eligibility_reason": reason})


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
