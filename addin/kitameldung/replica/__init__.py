"""Replicas of the official form: synthetic facilities written as realistic workbooks.

The single source of test fixtures and demo data. The data part (`facility`) is pure; the
writer (`writer`) renders a facility in one of the form variants, optionally with the
deviations the reader must tolerate (`Variation`).
"""

from kitameldung.replica.facility import Facility, StaffMember, earlier_report, make_facility
from kitameldung.replica.writer import VARIANTS, Variation, write_form

__all__ = [
    "VARIANTS",
    "Facility",
    "StaffMember",
    "Variation",
    "earlier_report",
    "make_facility",
    "write_form",
]
