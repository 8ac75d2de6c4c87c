"""The replay harness: a loopback server that stands in for every source host, from a snapshot.

    with serve_snapshot(Path("demo/snapshot")) as base_url: ...

- server.py: the HTTP server, routing by first path segment (the live host), ETags and 304s
- hosts.py: each non-GOV.UK host's layout in the snapshot, and the `<category>/mirror/` folders
- govuk.py, govuk_atom.py: www.gov.uk's Content and Search APIs and Atom feeds, from content items
- reply.py: the (status, content type, body) every host answers with

Test and demo tooling only: no spider or parser imports it.
"""

from scrapers.replay.server import ReplayHandler, ReplayServer, build_server, serve_snapshot

__all__ = ["ReplayHandler", "ReplayServer", "build_server", "serve_snapshot"]
