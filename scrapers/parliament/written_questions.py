"""Written questions and answers API: answered questions since the watermark, full text.

Live: https://questions-statements-api.parliament.uk/api/writtenquestions/questions. The list
truncates long question and answer texts (they end in "..."); for those the full question is
fetched from /api/writtenquestions/questions/<id>. One record per question with its answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.jsonbody import as_list, load_json_object, text
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind
from warehouse.text import html_to_text

PARSER_VERSION = "written-questions/1"
PAGES = "https://questions-statements.parliament.uk/written-questions/detail"
PAGE = 100


def _list(ctx: Context, skip: int) -> Fetch:
    first = ctx.since or (ctx.fetched_at.date() - timedelta(days=int(
        ctx.params.get("lookback_days", 7))))
    query = urlencode({"answeredWhenFrom": first.isoformat(), "answered": "Answered",
                       "expandMember": "true", "take": PAGE, "skip": skip})
    return Fetch(live_url(ctx.base_url, f"api/writtenquestions/questions?{query}"),
                 conditional=skip == 0, data={"skip": skip})


def start(ctx: Context) -> list[Fetch]:
    return [_list(ctx, 0)]


def is_truncated(value: dict[str, Any]) -> bool:
    return any(text(value.get(k)).endswith("...") for k in ("questionText", "answerText"))


def question_url(value: dict[str, Any]) -> str:
    tabled = parse_timestamp(value.get("dateTabled"))
    if tabled is None or not text(value.get("uin")):
        raise ParseError(f"written question {value.get('id')}: missing dateTabled or uin")
    return f"{PAGES}/{tabled.date().isoformat()}/{text(value['uin'])}"


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    data = load_json_object(body, "written questions")
    if fetch.step == "detail":
        value = data.get("value", data)
        if not isinstance(value, dict):
            raise ParseError("written question detail: 'value' is not an object")
        return Parsed(documents=[parse_question(value, source=ctx.source,
                                                fetched_at=ctx.fetched_at)])
    results = as_list(data.get("results"), "written questions: results")
    parsed = Parsed(listed=len(results))
    for row in results:
        value = row.get("value") if isinstance(row, dict) else None
        if not isinstance(value, dict):
            parsed.errors.append((fetch.url, "written questions: result without 'value'"))
            continue
        try:
            if is_truncated(value) and value.get("id"):
                parsed.follow.append(Fetch(
                    live_url(ctx.base_url,
                             f"api/writtenquestions/questions/{int(value['id'])}"
                             "?expandMember=true"),
                    step="detail", canonical=question_url(value),
                    changed_at=_changed(value)))
            else:
                parsed.documents.append(parse_question(value, source=ctx.source,
                                                       fetched_at=ctx.fetched_at))
        except (ParseError, ValueError, TypeError) as error:
            parsed.errors.append((fetch.url, str(getattr(error, "reason", error))[:500]))
    skip = int(fetch.data.get("skip", 0)) + len(results)
    total = data.get("totalResults")
    if results and isinstance(total, int) and skip < min(total, ctx.max_items):
        parsed.follow.append(_list(ctx, skip))
    return parsed


def _changed(value: dict[str, Any]) -> datetime | None:
    return (parse_timestamp(value.get("dateAnswerCorrected"))
            or parse_timestamp(value.get("dateAnswered")))


def _member(value: dict[str, Any], key: str) -> str:
    member = value.get(key)
    if isinstance(member, dict):
        name = text(member.get("name") or member.get("listAs"))
        party = text(member.get("party"))
        return f"{name} ({party})" if name and party else name
    return ""


def _member_facts(value: dict[str, Any], key: str, prefix: str) -> dict[str, str]:
    """The expanded member's name, seat (memberFrom) and house, when the API gives them."""
    member = value.get(key)
    if not isinstance(member, dict):
        return {}
    return {f"{prefix}_name": text(member.get("name") or member.get("listAs")),
            f"{prefix}_from": text(member.get("memberFrom")),
            f"{prefix}_party": text(member.get("party"))}


def parse_question(value: dict[str, Any], *, source: str, fetched_at: datetime) -> Document:
    question = html_to_text(text(value.get("questionText")))
    if not question:
        raise ParseError(f"written question {value.get('id')}: missing questionText")
    answer = html_to_text(text(value.get("answerText")))
    heading = text(value.get("heading"))
    asker, answerer = _member(value, "askingMember"), _member(value, "answeringMember")
    body = question + (f"\n\nAnswer: {answer}" if answer else "")
    party = value["askingMember"].get("party") if isinstance(
        value.get("askingMember"), dict) else None
    metadata = {
        "uin": text(value.get("uin")), "house": text(value.get("house")),
        "heading": heading, "answering_body": text(value.get("answeringBodyName")),
        "asking_member_id": text(value.get("askingMemberId")),
        "answering_member_id": text(value.get("answeringMemberId")),
        "party": text(party), "answered": "yes" if answer else "no",
        "holding_answer": "yes" if value.get("answerIsHolding") else "",
        **_member_facts(value, "askingMember", "asking_member"),
        **_member_facts(value, "answeringMember", "answering_member"),
    }
    return Document(
        source=source, kind=DocumentKind.WRITTEN_QUESTION, url=question_url(value),
        title=heading or question[:120], summary=question[:500], body_text=body,
        published_at=parse_timestamp(value.get("dateTabled")), updated_at=_changed(value),
        fetched_at=fetched_at,
        organisations=[o for o in (text(value.get("answeringBodyName")),) if o],
        people=[p for p in (asker, answerer) if p], tags=[heading] if heading else [],
        source_type="written_question",
        withdrawn_at=parse_timestamp(value.get("dateWithdrawn")) if value.get(
            "isWithdrawn") else None,
        metadata={k: v for k, v in metadata.items() if v}, parser_version=PARSER_VERSION)
