"""kitameldung: reads the Brandenburg Personalmeldung in place, computes Personalbemessung and
Fachkraftquote, and validates every entry against the law."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kitameldung.frames import Reports

__version__ = "0.1.0"


def read(
    paths: Any,
    recursive: bool = False,
    config: Any = None,
    regeln: Any = None,
    today: Any = None,
    prozesse: int | None = None,
) -> Reports:
    """Reports (files and/or folders) as pandas DataFrames: see `kitameldung.frames.read`.
    pandas is loaded here, on first use, never by `check`, `refresh` or the ribbon."""
    from kitameldung.frames import read as read_frames

    return read_frames(paths, recursive, config, regeln, today, prozesse)
