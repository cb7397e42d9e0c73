"""One file from disk to result: read → evaluate → check. The only place the stages meet.

Nothing downstream reaches back into the file; renderers take a `Result`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kitameldung.checks import Finding, NotCheckable, Severity, not_checkable, run_checks
from kitameldung.evaluation import Staffing, evaluate
from kitameldung.evaluation.second_opinion import FormFigure, compare
from kitameldung.form import FormError, Profile, load_profile, read_meldung
from kitameldung.form.workbook import Snapshot
from kitameldung.model import Meldung
from kitameldung.rules import Parameters, RuleBook, load_rulebook
from kitameldung.rules.catalogue import QualificationCatalogue, load_catalogue
from kitameldung.rules.config import load_config

EXIT_OK, EXIT_FEHLER, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Settings:
    params: Parameters = field(default_factory=Parameters)
    profile: Profile | None = None
    rules: RuleBook = field(default_factory=load_rulebook)
    qualifications: QualificationCatalogue = field(default_factory=load_catalogue)
    today: date | None = None  # the check date; None: the day the check runs


@dataclass(frozen=True)
class Result:
    path: Path
    settings: Settings
    meldung: Meldung | None = None
    staffing: Staffing | None = None
    findings: tuple[Finding, ...] = ()
    not_checked: tuple[NotCheckable, ...] = ()
    error: str | None = None
    form_figures: tuple[FormFigure, ...] = ()  # the form's own results against ours

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


def load_settings(
    config: Path | None = None, rules_file: Path | None = None, profile: Path | None = None
) -> Settings:
    """Settings from a configuration file, a rule file (wins over the configuration's) and a
    profile; ConfigError or ProfileError (German) when one cannot be used."""
    loaded = load_config(config)
    rules = load_rulebook(rules_file or loaded.rules_file)
    return Settings(
        params=loaded.params,
        profile=load_profile(profile) if profile else None,
        rules=rules,
        qualifications=loaded.catalogue,
    )


def check_file(path: Path, settings: Settings | None = None, snapshot: Snapshot | None = None) -> Result:
    """`snapshot`: the file's bytes read once by a caller that also writes it (refresh)."""
    settings = settings or Settings()
    try:
        meldung = read_meldung(path, settings.profile, snapshot)
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
    figures = compare(meldung, staffing, settings.rules, settings.params) if staffing else ()
    findings = run_checks(
        meldung,
        staffing,
        settings.rules,
        settings.params,
        settings.qualifications,
        settings.today or date.today(),
        figures,
    )
    return Result(
        path,
        settings,
        meldung,
        staffing,
        tuple(findings),
        tuple(not_checkable(meldung, stichtag, settings.rules)),
        form_figures=figures,
    )


def overall_exit(results: list[Result]) -> int:
    return max((r.exit_status for r in results), default=EXIT_OK)
