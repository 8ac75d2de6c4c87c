"""`horizon people`, `horizon person ID|NAME`, `horizon who "TOPIC"`: the region's MPs and peers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.cli.common import fail, parse_day

console = Console()
DbOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse file.")]
ProfileOption = Annotated[str | None, typer.Option(help="Authority profile (default: settings).")]
_MARK = {"supportive": "+", "critical": "-", "neutral": "="}


def _open(db: Path | None, profile: str | None):
    from warehouse.config.settings import get_settings
    from warehouse.db import connect

    settings = get_settings()
    path = db or settings.database_path
    if not path.exists():
        fail(f"no warehouse at {path}; run `horizon run` first")
    return connect(path, read_only=True), profile or settings.profile


def _plain(value: str, style: str = "") -> Text:
    return Text(" ".join(value.split()), style=style)


def _where(person) -> str:
    role = person.ministerial_role if person.name else ""  # else the role is their label
    return role or person.peerage or person.constituency or person.house


def people(
    theme: Annotated[str | None, typer.Option(help="Only contributions on this theme id.")] = None,
    since: Annotated[str | None, typer.Option(help="Contributions on or after YYYY-MM-DD.")
                     ] = None,
    region_only: Annotated[bool, typer.Option(help="Only the region's MPs and peers.")] = False,
    profile: ProfileOption = None,
    db: DbOption = None,
) -> None:
    """The region's MPs and peers (then others) by activity on each theme."""
    from warehouse.people_activity import people_activity

    day = parse_day(since, "--since")
    con, profile_id = _open(db, profile)
    start = datetime.combine(day, time(0), tzinfo=UTC) if day else None
    rows = people_activity(con, profile_id, theme=theme, since=start, region_only=region_only)
    # 28 + 12 + 10 + 4 x 2 + 5 + 6 characters and 8 separators: 77 columns
    table = Table(title=f"{len(rows)} people, {profile_id}" + (f", {theme}" if theme else ""),
                  box=None, padding=(0, 1, 0, 0), pad_edge=False, title_justify="left",
                  show_edge=False)
    table.add_column("person", width=28, no_wrap=True, overflow="ellipsis")
    table.add_column("seat / role", width=12, no_wrap=True, overflow="ellipsis")
    table.add_column("theme", width=10, no_wrap=True, overflow="ellipsis")
    for name in ("sp", "q", "a", "st"):
        table.add_column(name, justify="right", width=2)
    table.add_column("+/-", justify="right", width=5)
    table.add_column("latest", width=6)
    for activity in rows:
        person = activity.person
        label = _plain(person.label, "bold" if person.in_region else "")
        for i, t in enumerate(activity.themes):
            table.add_row(label if i == 0 else "", _plain(_where(person)) if i == 0 else "",
                          t.theme, str(t.speeches), str(t.questions), str(t.answers),
                          str(t.statements), f"{t.supportive}/{t.critical}",
                          f"{t.latest:%d %b}" if t.latest else "")
    console.print(table)
    console.print("bold: the region's; sp speeches, q questions, a answers, st statements; "
                  "+/- supportive/critical", style="dim")


def person(
    ref: Annotated[str, typer.Argument(help="Person id, Parliament id, name or seat.")],
    profile: ProfileOption = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """One person's record: who they are, their activity by theme, their latest items."""
    from warehouse.people import load_contributions
    from warehouse.people_activity import documents_of, find_person, summarise

    con, profile_id = _open(db, profile)
    found = find_person(con, profile_id, ref)
    if not found:
        fail(f"nobody matches {ref!r}")
    if len(found) > 1:
        fail(f"{len(found)} people match {ref!r}: " + "; ".join(
            f"{p.person_id} {p.label}" for p in found[:8]))
    chosen = found[0]
    contributions = load_contributions(con, profile_id, person_id=chosen.person_id)
    activity = summarise([chosen], contributions, latest=5, keep_quiet=True)[0]
    items = documents_of(con, activity.latest)
    if as_json:
        print(json.dumps(activity.model_dump(mode="json"), indent=2))
        return
    facts = [("id", chosen.person_id), ("name", chosen.name or "(not given by the sources)"),
             ("party", chosen.party), ("seat", chosen.constituency), ("peerage", chosen.peerage),
             ("house", chosen.house), ("in the region", "yes" if chosen.in_region else "no"),
             ("role", chosen.ministerial_role), ("also named", ", ".join(chosen.aliases))]
    for key, value in facts:
        if value:
            console.print(Text(f"{key:>13}: ", style="dim") + _plain(value))
    for t in activity.themes:
        console.print(_plain(f"{t.theme}: {t.speeches} speeches, {t.questions} questions, "
                             f"{t.answers} answers, {t.statements} statements; "
                             f"{t.supportive} supportive, {t.critical} critical"))
    for c in activity.latest:
        ref_ = items.get(c.document_id)
        day = c.published_at.date().isoformat() if c.published_at else "undated"
        console.print(_plain(f"{day} {c.activity} {_MARK[c.direction]} "
                             f"{ref_.title if ref_ else c.document_id}", "bold"))
        if c.direction_sentence and c.direction != "neutral":
            console.print(_plain(f"  {c.direction}: {c.direction_sentence}"))
        if ref_:
            console.print(_plain(f"  {ref_.url}", "blue"))


def who(
    topic: Annotated[str, typer.Argument(help="What the Mayor wants to brief on.")],
    limit: Annotated[int, typer.Option(min=1, max=50, help="People to show.")] = 10,
    min_similarity: Annotated[float, typer.Option(min=0, max=1, help=(
        "A contribution is on the topic from this cosine similarity."))] = 0.4,
    profile: ProfileOption = None,
    db: DbOption = None,
) -> None:
    """Who to brief: the people most active on a topic, the region's first."""
    from nlp.config import load_nlp_config
    from nlp.query_encoder import load_query_encoder
    from warehouse.config.settings import get_settings
    from warehouse.people_activity import most_active_on

    if not topic.strip():
        fail("give a TOPIC")
    con, profile_id = _open(db, profile)
    vector = load_query_encoder(load_nlp_config(get_settings().config_dir)).encode_query(topic)
    matches = most_active_on(con, profile_id, [float(x) for x in vector],
                             floor=min_similarity, limit=limit)
    table = Table(title=_plain(f"who is active on {topic!r}"), box=None,
                  padding=(0, 1, 0, 0), pad_edge=False, title_justify="left")
    table.add_column("person", width=30, no_wrap=True, overflow="ellipsis")
    table.add_column("seat / role", width=24, no_wrap=True, overflow="ellipsis")
    table.add_column("on topic", justify="right", width=8)
    table.add_column("best", justify="right", width=5)
    for m in matches:
        table.add_row(_plain(m.person.label, "bold" if m.person.in_region else ""),
                      _plain(_where(m.person)), f"{m.on_topic}/{m.contributions}",
                      f"{m.best:.2f}")
    console.print(table)
    if not matches:
        console.print("nobody's contributions are that close to the topic", style="dim")
