"""The office's search page and HTTP API, served from the published search replica."""
