"""Filters and the figures the pages show: metrics, concentration, renewals, quality, coverage."""
