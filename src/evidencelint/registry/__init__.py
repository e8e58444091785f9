"""The Crossref registry: HTTP client (the only network I/O), records, verification."""
