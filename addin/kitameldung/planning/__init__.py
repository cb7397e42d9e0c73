"""Review planning: annual staff talks, training needs, development, and the 12-month outlook.

Pure data and computations; the sheet builders render them, the refresh reads the sheet back.
"""

from kitameldung.planning.table import Entry, Plan, merge
from kitameldung.planning.termine import Summary, summarize

__all__ = ["Entry", "Plan", "Summary", "merge", "summarize"]
