"""Synthetic facilities: German names, catalogue qualifications, plausible dates and hours.

A generated facility is lawful by construction (coverage and quota met, every person's proofs
in order) so that planted mistakes are the only findings a test sees.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from kitameldung.evaluation import leitung_share, soll_betreuung
from kitameldung.rules import load_rulebook

FIRST_NAMES = [
    "Anna",
    "Lena",
    "Sophie",
    "Marie",
    "Julia",
    "Katrin",
    "Sandra",
    "Petra",
    "Sabine",
    "Jana",
    "Franziska",
    "Claudia",
    "Ines",
    "Doreen",
    "Mandy",
    "Steffi",
    "Tobias",
    "Jan",
    "Paul",
    "Martin",
    "Lukas",
    "Heike",
    "Birgit",
    "Kerstin",
    "Nadine",
    "Yvonne",
    "Ramona",
    "Anja",
    "Susanne",
    "Christin",
    "Josephine",
    "Mareike",
    "Özlem",
    "Agnieszka",
    "René",
    "Maik",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schulz",
    "Krüger",
    "Lehmann",
    "Neumann",
    "Schröder",
    "Köhler",
    "Wagner",
    "Hoffmann",
    "Richter",
    "Wolff",
    "Zimmermann",
    "Krause",
    "Hartmann",
    "Lange",
    "Schwarz",
    "Werner",
    "Peters",
    "Kowalski",
    "Jahn",
    "Voigt",
    "Fiedler",
    "Böttcher",
    "Seidel",
    "Ziegler",
    "Kühn",
    "Brandt",
    "Schüler",
    "Heinrich",
    "Möller",
    "Förster",
]
PLACES = [
    "Potsdam",
    "Cottbus",
    "Brandenburg an der Havel",
    "Frankfurt (Oder)",
    "Oranienburg",
    "Eberswalde",
    "Bernau",
    "Falkensee",
    "Königs Wusterhausen",
    "Fürstenwalde",
    "Neuruppin",
    "Schwedt/Oder",
    "Senftenberg",
    "Luckenwalde",
    "Prenzlau",
    "Templin",
    "Angermünde",
]
KITA_NAMES = [
    "Sonnenschein",
    "Regenbogen",
    "Pusteblume",
    "Spatzennest",
    "Zwergenland",
    "Kunterbunt",
    "Waldwichtel",
    "Sternschnuppe",
    "Löwenzahn",
    "Märchenland",
    "Havelkinder",
    "Wirbelwind",
    "Abenteuerland",
    "Haus der kleinen Füchse",
    "Villa Kunterbunt",
    "Seepferdchen",
]
STREETS = ["Lindenstraße", "Am Markt", "Schulweg", "Birkenallee", "Gartenstraße", "Seestraße"]
TRAEGER = [
    "Kita-Verbund Havelland gGmbH",
    "Stadt {ort}",
    "Gemeinde {ort}",
    "AWO Kita gGmbH {ort}",
    "Evangelischer Kirchenkreis {ort}",
    "Volkssolidarität {ort} e. V.",
    "DRK Kreisverband {ort} e. V.",
]

QUALIFICATIONS = {
    9: [
        "staatlich anerkannte Erzieherin",
        "staatlich anerkannter Erzieher",
        "Kindheitspädagogin (B. A.)",
        "staatlich anerkannte Erzieherin für 0- bis 10-Jährige",
    ],
    10: [
        "Diplom-Pädagogin",
        "Heilpädagoge",
        "Sozialpädagogin (Diplom)",
        "Lehrerin (2. Staatsexamen)",
        "Musikpädagogin",
    ],
    11: ["Profis für die Praxis", "Psychologin (Diplom)"],
    12: ["Kinderpflegerin", "Sozialassistentin", "Sozialassistent", "Kauffrau für Büromanagement"],
}


@dataclass
class StaffMember:
    """One row of the staff table. Values are what the form cell holds: normally dates,
    numbers and plain texts; a planted mistake may put any raw text in any field."""

    nachname: object
    vorname: object
    geburtsdatum: object
    qualifikation: object
    paragraph: object  # 9, 10, 11, 12 or a raw text for mistakes
    funktion: object
    beginn: object
    ende: object = None
    wochenstunden: object = 0.0
    leitungsstunden: object = 0.0
    paed_stunden: object = 0.0
    fuehrungszeugnis: object = None
    masernschutz: object = "ja"
    sprachnachweis: object = "ja"
    qualifizierung_300ue: object = None
    bemerkungen: object = None

    @property
    def name(self) -> str:
        return f"{self.nachname}, {self.vorname}"


@dataclass
class Facility:
    traeger: object
    traeger_anschrift: object
    einrichtung: object
    anschrift: object
    nummer: object
    stichtag: object
    kontakt: object
    places: dict[str, tuple[object, object, object]]  # group -> (short, long, genehmigt)
    staff: list[StaffMember] = field(default_factory=list)
    # (Krippe N, Kindergarten N) the form's own Personalbedarf formula uses; None: the key in
    # force on the Stichtag. A form still computing with a repealed key sets it.
    form_key: tuple[str, str] | None = None

    def copy(self) -> Facility:
        return replace(self, places=dict(self.places), staff=[replace(p) for p in self.staff])


def _years_before(day: date, years: float, rng: random.Random) -> date:
    return day - timedelta(days=int(years * 365.25) + rng.randint(0, 60))


def make_facility(seed: int, stichtag: date = date(2025, 10, 1), persons: int | None = None) -> Facility:
    """A lawful facility. `persons` (at least 3) asks for an exact number of staff rows."""
    rng = random.Random(seed)
    ort = rng.choice(PLACES)
    krippe_g = rng.randrange(10, 41, 2)
    kiga_g = rng.randrange(20, 121, 5)
    hort_g = rng.choice([0, 0, 20, 40, 60])
    places: dict[str, tuple[int, int, int]] = {
        "krippe": _occupied(rng, krippe_g),
        "kindergarten": _occupied(rng, kiga_g),
        "hort": _occupied(rng, hort_g, hort=True),
    }
    rules = load_rulebook()
    key = rules.key_for(stichtag)
    assert key is not None, "stichtag outside the rule table"
    soll_exact = soll_betreuung({g: (p[0], p[1]) for g, p in places.items()}, key, rules)
    leitung_row = rules.leitung_for(stichtag)
    leitung = float(leitung_share(soll_exact, leitung_row)) if leitung_row else 0.25
    # Leitung hours cover the Leitungsanteil, rounded up to quarter hours.
    leitung_hours = math.ceil(leitung * 40 * 4) / 4
    staff = _staff(rng, stichtag, float(soll_exact), persons, leitung_hours)
    if persons is not None:
        # A fixed staff size: fewer children until the staff covers the Soll with a margin.
        hours = sum(float(str(m.paed_stunden)) for m in staff)
        while (
            float(soll_betreuung({g: (p[0], p[1]) for g, p in places.items()}, key, rules)) * 1.03
            > hours / 40
        ):
            group = max(places, key=lambda g: places[g][1])
            short, long, approved = places[group]
            places[group] = (short, long - 1, approved)
    return Facility(
        traeger=rng.choice(TRAEGER).format(ort=ort),
        traeger_anschrift=f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {rng.randint(14400, 16999)} {ort}",
        einrichtung=f"Kita „{rng.choice(KITA_NAMES)}“",
        anschrift=f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {rng.randint(14400, 16999)} {ort}",
        nummer=f"{rng.randint(1, 999):03d}{rng.randint(100, 999)}",
        stichtag=stichtag,
        kontakt=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, 0331 {rng.randint(100000, 999999)}",
        places={group: counts for group, counts in places.items()},
        staff=staff,
    )


def _occupied(rng: random.Random, approved: int, hort: bool = False) -> tuple[int, int, int]:
    if approved == 0:
        return (0, 0, 0)
    total = rng.randint(int(approved * 0.7), approved)
    share_long = rng.uniform(0.1, 0.4) if hort else rng.uniform(0.6, 0.95)
    long = round(total * share_long)
    return (total - long, long, approved)


def _staff(
    rng: random.Random, stichtag: date, soll: float, persons: int | None, leitung_hours: float
) -> list[StaffMember]:
    target = soll * rng.uniform(1.03, 1.15) * 40  # pedagogical hours wanted
    staff = [_member(rng, stichtag, 9, "Leitung", 40.0, leitung_hours)]
    hours = 40.0 - leitung_hours
    erg_hours = 0.0
    while (persons is None and hours < target) or (persons is not None and len(staff) < persons):
        contract = rng.choice([20.0, 25.0, 30.0, 32.0, 35.0, 38.0, 40.0])
        # Ergänzungskräfte stay well under 20 % of the hours so the quota holds.
        paragraph = (
            12
            if erg_hours + contract < 0.12 * max(target, hours + contract)
            else rng.choice([9, 9, 9, 10, 11])
        )
        funktion = (
            "Ergänzungskraft"
            if paragraph == 12
            else rng.choice(["Gruppenerzieher*in", "Gruppenerzieher*in", "Springer*in", "stellv. Leitung"])
        )
        staff.append(_member(rng, stichtag, paragraph, funktion, contract, 0.0))
        hours += contract
        if paragraph == 12:
            erg_hours += contract
    return staff


def _member(
    rng: random.Random, stichtag: date, paragraph: int, funktion: str, contract: float, leitung: float
) -> StaffMember:
    born = _years_before(stichtag, rng.uniform(20, 62), rng)
    begin = _years_before(stichtag, rng.uniform(0.1, 12), rng)
    begin = max(begin, born + timedelta(days=int(18.5 * 365.25)))
    end = None
    if rng.random() < 0.15:
        end = stichtag + timedelta(days=rng.randint(120, 700))
    qualified = None
    if paragraph == 12 and begin < stichtag - timedelta(days=int(1.6 * 365)):
        qualified = begin + timedelta(days=rng.randint(200, 500))
        qualified = min(qualified, stichtag - timedelta(days=7))
    return StaffMember(
        nachname=rng.choice(LAST_NAMES),
        vorname=rng.choice(FIRST_NAMES),
        geburtsdatum=born,
        qualifikation=rng.choice(QUALIFICATIONS[paragraph]),
        paragraph=paragraph,
        funktion=funktion,
        beginn=begin,
        ende=end,
        wochenstunden=contract,
        leitungsstunden=leitung,
        paed_stunden=contract - leitung,
        fuehrungszeugnis=stichtag - timedelta(days=rng.randint(30, int(4.4 * 365))),
        masernschutz="ja",
        sprachnachweis=rng.choice(["ja", "ja", "entfällt"]),
        qualifizierung_300ue=qualified,
        bemerkungen=rng.choice([None, None, None, "Elternzeitvertretung", "Praxisanleitung"]),
    )


def earlier_report(f: Facility, stichtag: date, seed: int) -> Facility:
    """The same facility's report of an earlier Stichtag, as the office would have filed it:
    people who joined since are not in it yet, one or two who have left since still are, a few
    had other hours, and no date in it lies after its Stichtag."""
    rng = random.Random(seed)
    g = f.copy()
    g.stichtag = stichtag
    g.form_key = None
    g.staff = [m for m in g.staff if isinstance(m.beginn, date) and m.beginn <= stichtag]
    for member in g.staff:
        if isinstance(member.fuehrungszeugnis, date) and member.fuehrungszeugnis > stichtag:
            member.fuehrungszeugnis = stichtag - timedelta(days=rng.randint(200, 900))
        if isinstance(member.qualifizierung_300ue, date) and member.qualifizierung_300ue > stichtag:
            member.qualifizierung_300ue = None
        if isinstance(member.ende, date) and member.ende < stichtag:
            member.ende = None
    for member in rng.sample(g.staff[1:], k=min(2, len(g.staff) - 1)):  # other hours back then
        if member.leitungsstunden == 0.0:
            member.wochenstunden = member.paed_stunden = max(15.0, float(str(member.wochenstunden)) - 5.0)
    for _ in range(rng.randint(1, 2)):  # colleagues who have left since
        leaver = _member(rng, stichtag, rng.choice([9, 9, 10]), "Gruppenerzieher*in", 30.0, 0.0)
        leaver.ende = None
        g.staff.append(leaver)
    g.places = {
        group: (short, max(0, int(str(long)) - rng.randint(0, 3)) if long else long, approved)
        for group, (short, long, approved) in g.places.items()
    }
    return g
