"""One file from disk to result: read → evaluate → check. The only place the stages meet.

Nothing downstream reaches back into the file; renderers take a `Result`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kitameldung.checks import Finding, NotCheckable, Severity, not_checkable, run_checks
from kitameldung.evaluation import Staffing, evaluate
from kitameldung.form import FormError, Profile, read_meldung
from kitameldung.model import Meldung
from kitameldung.rules import Parameters, RuleBook, load_rulebook
from kitameldung.rules.catalogue import QualificationCatalogue, load_catalogue

EXIT_OK, EXIT_FEHLER, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Settings:
    params: Parameters = field(default_factory=Parameters)
    profile: Profile | None = None
    rules: RuleBook = field(default_factory=load_rulebook)
    qualifications: QualificationCatalogue = field(default_factory=load_catalogue)


@dataclass(frozen=True)
class Result:
    path: Path
    settings: Settings
    meldung: Meldung | None = None
    staffing: Staffing | None = None
    findings: tuple[Finding, ...] = ()
    not_checked: tuple[NotCheckable, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def exit_status(self) -> int:
        if not self.ok:
            return EXIT_UNREADABLE
        return EXIT_FEHLER if self.count(Severity.FEHLER) else EXIT_OK


def check_file(path: Path, settings: Settings | None = None) -> Result:
    settings = settings or Settings()
    try:
        meldung = read_meldung(path, settings.profile)
    except FormError as err:
        return Result(path, settings, error=str(err))
    return check_meldung(path, meldung, settings)


def check_meldung(path: Path, meldung: Meldung, settings: Settings) -> Result:
    stichtag = meldung.stichtag
    # Without a required column (hours, Zuordnung) every figure would be false: compute none.
    computable = stichtag is not None and not meldung.layout.missing_required
    staffing = (
        evaluate(meldung, stichtag, settings.rules, settings.params, settings.qualifications)
        if computable and stichtag
        else None
    )
    findings = run_checks(meldung, staffing, settings.rules, settings.params, settings.qualifications)
    return Result(
        path,
        settings,
        meldung,
        staffing,
        tuple(findings),
        tuple(not_checkable(meldung, stichtag, settings.rules)),
    )


def overall_exit(results: list[Result]) -> int:
    return max((r.exit_status for r in results), default=EXIT_OK)
