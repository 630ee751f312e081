"""What the command-line tools share for their output: printing that survives any console, and
counts in words."""

from __future__ import annotations

import sys
from typing import TextIO


def emit(text: str, stream: TextIO | None = None) -> None:
    """print(), but a console that cannot show '£' or 'é' gets escapes instead of a traceback."""
    stream = stream or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def plural(count: int, word: str) -> str:
    """'1 row', '1,203 rows': the count with thousands separators and the word for it."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
