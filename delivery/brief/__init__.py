"""Briefing papers: `build` (pure, over stored rows), `retrieve` (search + rows), renderers."""
