"""Progress of a harvest: one line rewritten in place on a terminal, plain lines otherwise (a log
or a pipe), always on stderr so that stdout keeps the report."""

from __future__ import annotations

import sys
from typing import TextIO

from techmap.harvest.state import HarvestState


class Progress:
    def __init__(self, stream: TextIO | None = None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._open_line = False  # a status line is showing and has no newline yet

    @staticmethod
    def status(state: HarvestState) -> str:
        aside = sum(state.set_aside.values())
        return (f"page {state.pages:,}: {state.releases:,} releases read, {aside:,} set aside, "
                f"{state.kept_releases:,} kept, {state.kept_rows:,} rows")

    def page(self, state: HarvestState) -> None:
        text = self.status(state)
        if self.tty:
            self.stream.write(f"\r{text}\x1b[K")
            self._open_line = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """A message on a line of its own (a wait, a resume), below the status line."""
        if self._open_line:
            self.stream.write("\n")
            self._open_line = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False
