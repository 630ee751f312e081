"""What the command-line tools share for their output: printing that survives any console (counts
in words: techmap.wording.plural)."""

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
