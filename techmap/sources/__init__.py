"""Readers of the real sources in datasets/sources/, one small module per source, and the
`build-london` command that turns them into the real London dataset (techmap.sources.build)."""
