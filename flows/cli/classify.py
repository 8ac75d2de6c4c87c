"""`horizon classify`: label a JSON-lines file of documents with themes, signal, place, funding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from flows.cli.common import errors, fail


def classify(
    profile: Annotated[str, typer.Option(help="Authority profile (config/profiles/).")] = "wmca",
    source: Annotated[Path, typer.Option("--in", help="Input JSON lines: id, title, "
                                         "description, body_text.")] = Path("docs.jsonl"),
    out: Annotated[Path, typer.Option("--out", help="Output JSON lines.")] = Path("labels.jsonl"),
    batch: Annotated[int, typer.Option(help="Documents enriched together.")] = 32,
    spacy: Annotated[bool, typer.Option(help="Use spaCy NER for place relevance.")] = True,
) -> None:
    """Label documents: themes above threshold, threat/opportunity, region score, funding."""
    from flows.tasks.enrich import encoder_for, kit_for, nlp_config
    from nlp.classify import classify_lines
    from warehouse.config.profiles import ProfileError, load_profile
    from warehouse.config.settings import Settings

    if not source.is_file():
        fail(f"input file not found: {source}")
    config_dir = Settings().config_dir
    try:
        chosen = load_profile(config_dir, profile)
    except ProfileError as error:
        fail(str(error))
    config = nlp_config(config_dir)
    encoder = encoder_for(config_dir)
    kit = kit_for(config_dir, chosen, with_spacy=spacy)
    total = source.stat().st_size
    written = 0
    with source.open("rb") as lines, out.open("w", encoding="utf-8") as sink, Progress(
        TextColumn("classify"), BarColumn(), TextColumn("{task.completed:,.0f}/{task.total:,.0f}"
                                                        " bytes"),
        TimeRemainingColumn(), console=errors, transient=False,
    ) as progress:
        task = progress.add_task("classify", total=total)

        def read():
            for line in lines:
                progress.advance(task, len(line))
                yield line

        for result in classify_lines(read(), kit, encoder, config, batch_size=max(1, batch)):
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
            written += 1
    errors.print(f"classified {written} documents into {out}")
