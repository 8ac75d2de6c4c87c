"""`python -m flows.cli ...` is `horizon ...`."""

from flows.cli.main import app

app()
