"""The illustrative dataset: generate-demo and its product catalogue."""
