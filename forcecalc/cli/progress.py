"""Progress on the terminal: a one-line bar for the library's ``on_progress`` callbacks."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


class Progress:
    """A one-line progress bar on a terminal, shown once a task has run ``delay_s`` seconds.

    Call it as ``progress(done, total)``, the ``on_progress`` callback the library's long
    calculations take; :meth:`close`, or leaving a ``with`` block, ends the line. Nothing is
    written when ``stream`` is not a terminal, so pipes, files and CI logs stay clean. With
    ``counts=False`` only the percentage is shown (for work measured in steps rather than
    samples).
    """

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        delay_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        counts: bool = True,
    ) -> None:
        self.label = label
        self.counts = counts
        self.stream = stream if stream is not None else sys.stderr
        self.delay_s = delay_s
        self.clock = clock
        self.started = clock()
        self.shown = False
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        elapsed = self.clock() - self.started
        if not self.enabled or elapsed < self.delay_s:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "." * (width - filled)
        count = f" {done:,}/{total:,}" if self.counts else ""
        self.stream.write(
            f"\r{self.label} [{bar}] {done / max(total, 1):4.0%}{count} {elapsed:.0f} s"
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
