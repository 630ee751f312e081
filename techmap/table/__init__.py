"""The data page's table: its query (grid wire format and URL form), words, columns and rows."""
