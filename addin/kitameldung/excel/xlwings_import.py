"""xlwings without pandas: xlwings loads pandas (and with it half a second of start-up) whenever
it is installed, for DataFrame conversions kitameldung's ribbon and functions never use. pandas
belongs to `kitameldung.read`; the ribbon starts as fast as it did before pandas was a
dependency."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING


def xlwings_without_pandas() -> ModuleType:
    """Import xlwings with pandas held back (xlwings then treats it as not installed); pandas
    stays importable for anything that asks for it afterwards. Where xlwings is loaded already
    (the UDF server imports it first), it is returned as it is."""
    if "xlwings" in sys.modules or "pandas" in sys.modules:
        import xlwings

        return xlwings
    sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas -> ImportError
    try:
        import xlwings
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]
    return xlwings


# Every module of the Excel layer takes xlwings from here.
if TYPE_CHECKING:
    import xlwings as xw
else:
    xw = xlwings_without_pandas()

__all__ = ["xlwings_without_pandas", "xw"]
