"""The `horizon` command line: a Typer app (main.py) and one module per group of commands.

Only this package and the tests import it; the flows never do (tests/flows/test_flow_imports.py).
"""

from flows.cli.main import app

__all__ = ["app"]
