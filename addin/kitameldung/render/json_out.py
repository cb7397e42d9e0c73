"""The stable JSON contract of `kitameldung check --json` (shared/domain/ausgabe-json.md)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from kitameldung.checks.rule_data import reason_text, rule_data_label
from kitameldung.model import AGE_GROUPS, Value
from kitameldung.pipeline import Result
from kitameldung.rules import Parameters, RuleBook


def result_json(result: Result) -> dict[str, Any]:
    meldung, staffing = result.meldung, result.staffing
    out: dict[str, Any] = {
        "file": result.path.name,
        "ok": result.ok,
        "error": result.error,
        "form": None,
        "facility": None,
        "rules": None,
        "places": None,
        "staffing": None,
        "findings": [f.as_json() for f in result.findings],
        "formular_werte": [],
    }
    if meldung is None:
        return out
    out["form"] = {
        "variant": meldung.variant,
        "sheet": meldung.sheet,
        "profile": meldung.profile,
        "stand": _iso(meldung.form_stand.value),  # the form's version ("Formularstand")
    }
    header = meldung.header
    out["facility"] = {
        "traeger": _plain(header.get("traeger")),
        "einrichtung": _plain(header.get("einrichtung")),
        "nummer": _plain(header.get("nummer")),
        "stichtag": _plain(header.get("stichtag")),
    }
    out["rules"] = {
        "version": _iso(staffing.rule_version) if staffing else None,
        "parameters": effective_parameters(result.settings.params, staffing),
        "nicht_pruefbar": [{"rule": n.rule, "reason": n.reason} for n in result.not_checked],
        "pruefstand": result.settings.rules.review.text,
        "regeldaten": rule_data_json(result.settings.rules),
    }
    out["formular_werte"] = [
        {
            "wert": figure.key,
            "cell": figure.cell,
            "formular": _num(figure.form_value),
            "kitameldung": _num(figure.own_value),
            "uebereinstimmung": figure.agrees,
            "grund": reason_text(figure.reason) if figure.agrees is False else None,
        }
        for figure in result.form_figures
    ]
    if meldung.places is not None:
        out["places"] = {
            group: {
                "short": _plain(meldung.places[group].short),
                "long": _plain(meldung.places[group].long),
                "genehmigt": _plain(meldung.places[group].genehmigt),
            }
            for group in AGE_GROUPS
        }
    if staffing is not None:
        out["staffing"] = {
            "soll_betreuung_vzae": _num(staffing.soll_betreuung_vzae),
            "soll_leitung_vzae": _num(staffing.soll_leitung_vzae),
            "ist_betreuung_vzae": _num(staffing.ist_betreuung_vzae),
            "ist_fachkraft_vzae": _num(staffing.ist_fachkraft_vzae),
            "ist_ergaenzung_vzae": _num(staffing.ist_ergaenzung_vzae),
            "ist_leitung_vzae": _num(staffing.ist_leitung_vzae),
            "deckungsgrad": _num(staffing.deckungsgrad),
            "fachkraftquote": _num(staffing.fachkraftquote),
            "fachkraftquote_soll": _num(staffing.fachkraftquote_soll),
            "fachkraftquote_min": _num(staffing.fachkraftquote_min),
            "personen_gezaehlt": staffing.personen_gezaehlt,
            "dispositionsspielraum": _num(staffing.dispositionsspielraum),
            "personalbemessung_erfuellt": staffing.coverage_ok(),
            "fachkraftquote_erfuellt": staffing.quota_ok(),
            "anrechenbar_vzae": _num(staffing.anrechenbar_vzae),
            "lesarten": {
                "angewandt": staffing.fachkraftquote_basis,
                "ist": staffing.verdict("ist"),
                "soll_anrechnung": staffing.verdict("soll_anrechnung"),
                "abweichend": staffing.readings_differ,
            },
            "in_ausbildung_nicht_gezaehlt": staffing.in_ausbildung,
            "nicht_gezaehlt": {
                "in_ausbildung": staffing.in_ausbildung,
                "nicht_beschaeftigt": staffing.nicht_beschaeftigt,
                "ohne_zuordnung": staffing.ohne_zuordnung,
            },
        }
    return out


def rule_data_json(rules: RuleBook) -> dict[str, Any]:
    """The rule data used: built-in (version, review day) or the provider's rule file, and the
    rows that are planned or repealed (never applied)."""
    review = rules.review
    return {
        "quelle": "datei" if review.rule_file else "eingebaut",
        "datei": review.rule_file,
        "version": review.version or None,
        "geprueft_am": _iso(review.reviewed),
        "beschreibung": rule_data_label(rules),
        "nicht_in_kraft": [
            {
                "tabelle": _TABLES[type(row).__name__],
                "ab": _iso(row.valid_from),
                "status": row.status,
                "quelle": row.source,
            }
            for row in rules.not_in_force
        ],
    }


_TABLES = {
    "KeyRow": "schluessel",
    "LeitungRow": "leitung",
    "QuotaRow": "fachkraftquote",
    "MarginRow": "dispositionsspielraum",
    "FormRow": "formular",
}


def effective_parameters(params: Parameters, staffing: object | None) -> dict[str, Any]:
    values = params.as_json()
    if values["fachkraftquote_min"] is None:
        values["fachkraftquote_min"] = _num(getattr(staffing, "fachkraftquote_min", None))
    if values["dispositionsspielraum"] is None:
        values["dispositionsspielraum"] = _num(getattr(staffing, "dispositionsspielraum", None))
    return values


def _num(value: Fraction | float | None) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if isinstance(value, Fraction) and value.denominator == 1 else number


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Value[Any] | None) -> Any:
    if value is None or value.value is None:
        return None
    inner = value.value
    if isinstance(inner, date):
        return inner.isoformat()
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    return inner
