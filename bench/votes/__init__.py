"""``make bench-votes``: 5,000 ballots at once on a standalone vote (issue 13). See README.md."""
