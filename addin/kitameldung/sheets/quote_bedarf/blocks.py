"""The blocks below the results: places and Soll, the dated rule tables (keys, factors, Leitung,
minimum quota, Dispositionsspielraum) and the assumptions. Each block leaves the references the
result formulas need as named anchors."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kitameldung.evaluation.staffing import exact_float, factors
from kitameldung.form.values import MAX_PLACES
from kitameldung.model import AGE_GROUPS
from kitameldung.rules.rulebook import STATUS_TITLES, KeyRow, MarginRow, QuotaRow, Row
from kitameldung.sheets import formulas as fx
from kitameldung.sheets.common import assumptions
from kitameldung.sheets.quote_bedarf.context import DASH, STICHTAG, Context, num
from kitameldung.sheets.spec import Formula, Link

GROUP_TITLES = {"krippe": "Krippe", "kindergarten": "Kindergarten", "hort": "Hort"}


def places_block(ctx: Context, soll: str, ist: str) -> None:
    """Belegte Plätze × factors. Anchors: "places_sum" (the Soll), "factor_rows"."""
    ctx.section("Belegte Plätze und Soll Betreuung")
    ctx.header(
        [
            "Altersgruppe",
            "bis 6 Std. (Hort: bis 4)",
            "über 6 Std. (Hort: über 4)",
            "Faktor kurz",
            "Faktor lang",
            "Soll (VZÄ)",
        ]
    )
    cells = ctx.meldung.layout.places_cells
    places = ctx.meldung.places or {}
    first = ctx.row
    for group in AGE_GROUPS:
        r = ctx.row
        ctx.anchors[f"factor_row:{group}"] = str(r)
        ctx.sheet.put(r, 1, GROUP_TITLES[group], "bold")
        group_cells = cells.get(group, {})
        for col, kind in ((2, "short"), (3, "long")):
            value = getattr(places[group], kind).value if group in places else None
            formula = fx.number(
                ctx.form_cell(group_cells.get(kind)), ctx.anchors["table:numbers"], MAX_PLACES, whole=True
            )
            link = Link(ctx.meldung.sheet, group_cells[kind]) if kind in group_cells else None
            ctx.sheet.put(r, col, Formula(formula, float(value or 0)), "text", link)
        ctx.row += 1
    ctx.sheet.put(ctx.row, 1, "Summe", "bold")
    ctx.anchors["places_first"], ctx.anchors["places_sum_row"] = str(first), str(ctx.row)
    ctx.anchors["places_sum"] = f"$F${ctx.row}"
    ctx.anchors["leitung_basis"] = soll if ctx.params.leitung_basis == "soll" else ist
    ctx.row += 1


def keys_block(ctx: Context) -> None:
    """The dated key table and the key in force; fills the factors. Anchor: "key_krippe"."""
    ctx.section("Regelstand: Betreuungsschlüssel (Kinder je VZÄ), KitaG § 10 Abs. 1")
    ctx.header(["gültig ab", "Krippe N", "Kindergarten N", "angewandt", "", "", "", "", "", "Quelle"])
    first = ctx.row
    applied = ctx.staffing.key if ctx.staffing else None
    for key in ctx.rules.keys:
        r = ctx.row
        ctx.sheet.put(r, 1, key.valid_from, "date")
        ctx.sheet.put(r, 2, float(key.krippe))
        ctx.sheet.put(r, 3, float(key.kindergarten))
        ctx.in_force_mark(r, 4, key is ctx.rules.keys[-1], key == applied)
        ctx.sheet.put(r, 10, key.source, "note")
        ctx.row += 1
    table = f"$A${first}:$C${ctx.row - 1}"
    for key in (k for k in ctx.rules.not_in_force if isinstance(k, KeyRow)):
        _not_in_force_row(ctx, key, (float(key.krippe), float(key.kindergarten)), 4)
    r = ctx.row
    ctx.sheet.put(r, 1, "angewandter Schlüssel", "bold")
    for col, attribute in ((2, "krippe"), (3, "kindergarten")):
        value = getattr(applied, attribute) if applied else None
        lookup = f'IFERROR(VLOOKUP({STICHTAG},{table},{col},TRUE),"{DASH}")'
        ctx.sheet.put(r, col, Formula(lookup, num(value)), "bold")
    ctx.row += 1
    divisor = {"krippe": f"$B${r}", "kindergarten": f"$C${r}"}
    ctx.anchors["key_krippe"] = divisor["krippe"]
    _factors(ctx, divisor, applied)


def _factors(ctx: Context, divisor: dict[str, str], applied: object) -> None:
    care = ctx.rules.care
    ctx.section("Faktoren je Kind (VZÄ-Anteil)")
    ctx.header(["", "kurz", "lang", "", "", "", "", "", "", "Quelle"])
    c = ctx.row
    ctx.sheet.put(c, 1, "Krippe und Kindergarten", "bold")
    ctx.sheet.put(c, 2, float(care.short))
    ctx.sheet.put(c, 3, float(care.long))
    ctx.sheet.put(c, 10, care.source, "note")
    ctx.sheet.put(c + 1, 1, f"Hort (je {float(care.hort_children):g} Kinder)", "bold")
    ctx.sheet.put(c + 1, 2, float(care.hort_short))
    ctx.sheet.put(c + 1, 3, float(care.hort_long))
    ctx.sheet.put(c + 1, 4, float(care.hort_children))
    ctx.row += 2
    places = ctx.meldung.places or {}
    total = Fraction(0)  # SUM skips the groups without a key, as the formula does
    for group in AGE_GROUPS:
        r_group = int(ctx.anchors[f"factor_row:{group}"])
        if group == "hort":
            f_short, f_long = f"$B${c + 1}/$D${c + 1}", f"$C${c + 1}/$D${c + 1}"
        else:
            f_short = f'IF(ISNUMBER({divisor[group]}),$B${c}/{divisor[group]},"{DASH}")'
            f_long = f'IF(ISNUMBER({divisor[group]}),$C${c}/{divisor[group]},"{DASH}")'
        exact = factors(group, applied, ctx.rules)  # type: ignore[arg-type]
        p = places.get(group)
        short, long = (p.short.value or 0, p.long.value or 0) if p else (0, 0)
        soll = exact_float(short) * exact[0] + exact_float(long) * exact[1] if exact else None
        total += soll or 0
        ctx.sheet.put(r_group, 4, Formula(f_short, num(exact[0] if exact else None)), "factor")
        ctx.sheet.put(r_group, 5, Formula(f_long, num(exact[1] if exact else None)), "factor")
        formula = f'IF(ISNUMBER(D{r_group}),B{r_group}*D{r_group}+C{r_group}*E{r_group},"{DASH}")'
        ctx.sheet.put(r_group, 6, Formula(formula, num(soll)), "number")
    first, sum_row = int(ctx.anchors["places_first"]), int(ctx.anchors["places_sum_row"])
    ctx.sheet.put(sum_row, 6, Formula(f"SUM(F{first}:F{sum_row - 1})", float(total)), "result")


def leitung_block(ctx: Context) -> None:
    """Leitung bands per dated row. Anchor: "leitung" (the Soll Leitung formula)."""
    ctx.section("Regelstand: Leitungsanteil (VZÄ), § 5 Abs. 2 KitaPersV")
    basis = ctx.anchors["leitung_basis"]
    choices = []
    for row in ctx.rules.leitung:
        ctx.header(["gültig ab", "Grundanteil", "", "", "", "", "", "", "", "Quelle"])
        r = ctx.row
        ctx.sheet.put(r, 1, row.valid_from, "date")
        ctx.sheet.put(r, 2, float(row.base_share), "factor")
        ctx.sheet.put(r, 10, row.source, "note")
        ctx.row += 1
        ctx.header(["Basis bis (VZÄ)", "Anteil"])
        bands = []
        for band in row.bands:
            b = ctx.row
            ctx.sheet.put(b, 1, float(band.up_to) if band.up_to is not None else "darüber")
            ctx.sheet.put(b, 2, float(band.share), "factor")
            bands.append((f"{basis}<=$A${b}" if band.up_to is not None else "TRUE", f"$B${b}"))
            ctx.row += 1
        choices.append((f"{STICHTAG}>=$A${r}", f"$B${r}+{fx.nested_if(bands[:-1], bands[-1][1])}"))
    inner = fx.nested_if(list(reversed(choices)), f'"{DASH}"') if choices else f'"{DASH}"'
    ctx.anchors["leitung"] = f'IF(AND(ISNUMBER({STICHTAG}),ISNUMBER({basis})),{inner},"{DASH}")'


def dated_table(
    ctx: Context, title: str, rows: Sequence[QuotaRow | MarginRow], applied: object
) -> str | None:
    """A dated table of shares (from, value, "◄", source); returns its lookup range A:B."""
    ctx.section(title)
    ctx.header(["gültig ab", "Wert", "angewandt", "", "", "", "", "", "", "Quelle"])
    first = ctx.row
    for index, row in enumerate(rows):
        r = ctx.row
        value = row.minimum if isinstance(row, QuotaRow) else row.share
        ctx.sheet.put(r, 1, row.valid_from, "date")
        ctx.sheet.put(r, 2, float(value), "percent")
        ctx.in_force_mark(r, 3, index == len(rows) - 1, row == applied)
        ctx.sheet.put(r, 10, row.source, "note")
        ctx.row += 1
    table = f"$A${first}:$B${ctx.row - 1}" if rows else None
    kind = type(rows[0]) if rows else None
    for other in (o for o in ctx.rules.not_in_force if kind is not None and isinstance(o, kind)):
        value = other.minimum if isinstance(other, QuotaRow) else other.share
        _not_in_force_row(ctx, other, (float(value),), 3)
    return table


def _not_in_force_row(ctx: Context, row: Row, values: tuple[float, ...], status_col: int) -> None:
    """A planned or repealed row below a dated table, outside the range the formulas look up."""
    r = ctx.row
    ctx.sheet.put(r, 1, row.valid_from, "date")
    for offset, value in enumerate(values):
        ctx.sheet.put(r, 2 + offset, value, "percent" if status_col == 3 else "text")
    ctx.sheet.put(r, status_col, STATUS_TITLES[row.status], "note")
    ctx.sheet.put(r, 10, row.source, "note")
    ctx.row += 1


def quota_block(ctx: Context) -> str | None:
    stichtag = ctx.meldung.stichtag
    applied = ctx.rules.quota_for(stichtag) if stichtag else None
    title = "Regelstand: Mindest-Fachkraftquote, § 15 KitaPersV"
    return dated_table(ctx, title, ctx.rules.quota, applied)


def margin_block(ctx: Context) -> str | None:
    stichtag = ctx.meldung.stichtag
    applied = ctx.rules.margin_for(stichtag) if stichtag else None
    title = "Regelstand: Dispositionsspielraum (Ist darf das Soll um diesen Anteil unterschreiten)"
    return dated_table(ctx, title, ctx.rules.margins, applied)


def dated_formulas(ctx: Context, quota: str | None, margin: str | None, params: dict[str, str]) -> None:
    """Anchors "quota_min" (none before the KitaPersV 2023, then the override or the row in
    force) and "margin" (the Dispositionsspielraum: the override or the row in force)."""
    if "fachkraftquote_min" in params:
        inner = params["fachkraftquote_min"]
    elif quota is None:
        inner = f'"{DASH}"'
    else:
        inner = f'IFERROR(VLOOKUP({STICHTAG},{quota},2,TRUE),"{DASH}")'
    since = ctx.rules.kitapersv
    ctx.anchors["quota_min"] = (
        f'IF(AND(ISNUMBER({STICHTAG}),{STICHTAG}>=DATE({since.year},{since.month},{since.day})),{inner},"{DASH}")'
    )
    if "dispositionsspielraum" in params:
        inner = params["dispositionsspielraum"]
    else:
        inner = f"IFERROR(VLOOKUP({STICHTAG},{margin},2,TRUE),0)" if margin else "0"
    ctx.anchors["margin"] = f'IF(ISNUMBER({STICHTAG}),{inner},"{DASH}")'


def parameters_block(ctx: Context) -> dict[str, str]:
    """The assumptions; returns the cells of those the formulas use."""
    ctx.section("Annahmen (Einstellungen; dauerhaft ändern über die Konfigurationsdatei)")
    used = {}
    for (title, shown), (name, value) in zip(
        assumptions(ctx.params, ctx.staffing), ctx.params.as_json().items()
    ):
        r = ctx.row
        ctx.sheet.put(r, 1, title)
        if name == "vollzeit_stunden" or (name == "dispositionsspielraum" and value is not None):
            ctx.sheet.put(r, 2, float(value))
            used[name] = f"$B${r}"
        elif name == "fachkraftquote_min" and value is not None:
            ctx.sheet.put(r, 2, float(value), "percent")
            used[name] = f"$B${r}"
        else:
            ctx.sheet.put(r, 2, shown)
        ctx.row += 1
    return used
