"""The replica's texts: captions and labels of the form in the standard wording and in the
alternative wordings the reader must tolerate, dropdown values, extra columns."""

from __future__ import annotations

# field -> (standard caption, alternative caption). The alternatives differ in wording, case,
# line breaks and gender forms, as the authority's own forms did over the years.
HEADER_LABELS = {
    "traeger": ("Träger der Einrichtung", "TRÄGER"),
    "traeger_anschrift": ("Anschrift des Trägers", "Adresse\ndes Trägers"),
    "einrichtung": ("Name der Kindertagesstätte", "Bezeichnung der Kita"),
    "anschrift": ("Anschrift der Kindertagesstätte", "Adresse der Einrichtung"),
    "nummer": ("Einrichtungs-Nr. (Betriebserlaubnis)", "Kita-Nummer"),
    "stichtag": ("Stichtag", "Stichtag der Meldung:"),
    "kontakt": ("Ansprechpartner*in, Telefon, E-Mail", "AnsprechpartnerInnen / Kontakt"),
}
HEADER_LABELS_2023 = {
    "traeger": "Träger",
    "traeger_anschrift": "Anschrift Träger",
    "einrichtung": "Name der Kita",
    "anschrift": "Anschrift Kita",
    "nummer": "Kita-Nr.",
    "stichtag": "Stichtag der Meldung",
    "kontakt": "Ansprechpartner/-in",
}
STAFF_CAPTIONS = {
    "lfd_nr": ("lfd. Nr.", "Nr."),
    "name": ("Name, Vorname", "Mitarbeiter:in"),
    "vorname": ("Vorname", "Vorname"),
    "geburtsdatum": ("Geburtsdatum", "geb. am"),
    "qualifikation": ("Berufsabschluss / Qualifikation", "Ausbildung"),
    "zuordnung": ("Zuordnung KitaPersV", "Fach- oder Ergänzungskraft"),
    "funktion": ("Funktion", "Tätigkeit als"),
    "beginn": ("beschäftigt seit", "Beschäftigungsbeginn"),
    "ende": ("befristet bis / Austritt", "Beschäftigungsende"),
    "wochenstunden": ("vertragliche Wochenarbeitszeit", "Wochenstunden laut Vertrag"),
    "leitungsstunden": ("davon Leitung", "Leitungsstunden"),
    "paed_stunden": ("davon pädagogisch tätig", "Stunden mit Kindern (päd.)"),
    "vzae": ("VZÄ (päd.)", "Stellenanteil"),
    "fuehrungszeugnis": ("erw. Führungszeugnis vom", "Datum erweitertes\nFührungszeugnis"),
    "masernschutz": ("Masernschutz nachgewiesen", "Impfschutz Masern"),
    "sprachnachweis": ("Sprachnachweis B2", "Deutschkenntnisse (B2)"),
    "qualifizierung_300ue": ("Qualifizierung 300 UE abgeschlossen am", "Nachqualifizierung (300 UE) bis"),
    "bemerkungen": ("Bemerkungen", "Anmerkungen"),
}
GROUP_CAPTIONS = [
    ("Person", ("lfd_nr", "name", "vorname", "geburtsdatum")),
    ("Qualifikation", ("qualifikation", "zuordnung", "funktion")),
    ("Beschäftigung", ("beginn", "ende")),
    ("Arbeitszeit (Std./Woche)", ("wochenstunden", "leitungsstunden", "paed_stunden", "vzae")),
    ("Nachweise", ("fuehrungszeugnis", "masernschutz", "sprachnachweis", "qualifizierung_300ue")),
]
PLACES_CAPTIONS = {
    "group": ("Altersgruppe", "Altersbereich"),
    "genehmigt": ("genehmigte Plätze", "Kapazität lt. Betriebserlaubnis"),
    "short": ("belegt bis 6 Std. (Hort: bis 4 Std.)", "bis zu 6 Stunden\ntäglich"),
    "long": ("belegt über 6 Std. (Hort: über 4 Std.)", "mehr als 6 Stunden\ntäglich"),
    "total": ("belegt gesamt", "Summe belegt"),
}
GROUP_LABELS = {
    "krippe": ("Krippe (0 bis unter 3 Jahre)", "Kinder unter 3 Jahre"),
    "kindergarten": ("Kindergarten (3 Jahre bis Schuleintritt)", "Kinder von 3 Jahren bis zum Schuleintritt"),
    "hort": ("Hort (Grundschulkinder)", "Grundschulkinder (Hort)"),
}
ZUORDNUNG_2025 = {9: "§ 9 Fachkraft", 10: "§ 10 Fachkraft", 11: "§ 11 Fachkraft", 12: "§ 12 Ergänzungskraft"}
ZUORDNUNG_2023 = {
    9: "Fachkraft (§§ 9-11)",
    10: "Fachkraft (§§ 9-11)",
    11: "Fachkraft (§§ 9-11)",
    12: "Ergänzungskraft (§ 12)",
}
ZUORDNUNG_MIXED = {
    9: ["§ 9", "§9 Abs. 1", "Fachkraft nach § 9"],
    10: ["§ 10 Fachkraft", "§10"],
    11: ["Fachkraft nach § 11", "§ 11"],
    12: ["Ergänzungskraft", "§ 12", "§ 12 KitaPersV"],
}
FUNKTIONEN = ["Leitung", "stellv. Leitung", "Gruppenerzieher*in", "Ergänzungskraft", "Springer*in"]
EXTRA_COLUMNS = ["Personalnummer", "Stammgruppe"]
