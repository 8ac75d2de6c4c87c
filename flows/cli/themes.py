"""`horizon themes`: each profile's theme ids and display names; and the one place `--theme`
values are resolved (an id, a display name, or the name before its bracket: "Transport")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from warehouse.config.profiles import Profile, ProfileError, available_profiles, load_profile

console = Console()


class UnknownTheme(ValueError):
    """A --theme value that names no theme of the profile; the message lists the valid ones."""


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def theme_names(theme_name: str) -> set[str]:
    """Forms of a display name a user may type: whole, or before " (" ("Transport")."""
    short = theme_name.split(" (")[0]
    return {_key(theme_name), _key(short)}


def resolve_themes(profile: Profile, values: list[str]) -> list[str]:
    """Theme ids for what the user typed, in order; UnknownTheme naming the valid ones."""
    ids = []
    for value in values:
        wanted = _key(value)
        found = [t.id for t in profile.themes if wanted == _key(t.id) or wanted in
                 theme_names(t.name)]
        if not found:  # a unique prefix of an id or display name ("hous")
            found = [t.id for t in profile.themes if _key(t.id).startswith(wanted)
                     or _key(t.name).startswith(wanted)]
        if len(found) != 1:
            listed = "; ".join(f"{t.id} ({t.name})" for t in profile.themes)
            why = "is ambiguous" if found else "is not a theme"
            raise UnknownTheme(f"--theme {value!r} {why} of profile {profile.id}; "
                               f"themes: {listed}")
        ids.append(found[0])
    return ids


def themes(
    profile: Annotated[str | None, typer.Option(
        help="Only this profile (default: every profile in config/profiles/).")] = None,
) -> None:
    """List each profile's themes: the id and the display name (--theme takes either)."""
    from flows.cli.common import fail
    from warehouse.config.settings import get_settings

    settings = get_settings()
    wanted = [profile] if profile else available_profiles(settings.config_dir)
    for profile_id in wanted:
        try:
            loaded = load_profile(settings.config_dir, profile_id)
        except ProfileError as error:
            fail(str(error))
        console.print(themes_table(loaded))


def themes_table(profile: Profile) -> Table:
    table = Table(title=f"Themes of {profile.id} ({profile.short_name})", title_justify="left")
    table.add_column("id (--theme)", no_wrap=True)
    table.add_column("display name")
    for theme in profile.themes:
        table.add_row(theme.id, theme.name)
    return table


def load_search_profile(config_dir: Path, profile_id: str) -> Profile:
    """The profile a search uses, or a one-line error naming the available ones."""
    from flows.cli.common import fail

    try:
        return load_profile(config_dir, profile_id)
    except ProfileError as error:
        fail(str(error))
