"""Downloads and feeds: CSV and Excel exports, calendar files."""
