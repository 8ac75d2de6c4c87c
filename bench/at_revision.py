"""A module of this repository as it was at an earlier commit, for benches that print the previous
code's figures beside the current code's in the same run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
# Modules that moved since (issue 14); an earlier revision imports them by their old names.
MOVED = {
    "nlp.sentences": "warehouse.text.sentences",
    "scrapers.html_text": "warehouse.text.markup",
    "warehouse.settings": "warehouse.config.settings",
    "warehouse.profiles": "warehouse.config.profiles",
    "warehouse.sources": "warehouse.config.sources",
}


def module_at(revision: str, relative_path: str, name: str) -> ModuleType | None:
    """`relative_path` as it was at `revision`, imported as module `name` (None when git cannot
    show it)."""
    try:
        source = subprocess.run(["git", "show", f"{revision}:{relative_path}"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp(prefix="horizon-previous-")) / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    for old, new in MOVED.items():
        sys.modules.setdefault(old, importlib.import_module(new))
    spec.loader.exec_module(module)
    return module
