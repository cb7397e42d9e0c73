"""Pure computations: Personalbemessung and Fachkraftquote from plain data."""

from kitameldung.evaluation.staffing import (
    Staffing,
    evaluate,
    leitung_share,
    soll_betreuung,
)

__all__ = ["Staffing", "evaluate", "leitung_share", "soll_betreuung"]
