"""The source's own column layout (Project.layout / Project.field_of): which
field each published column holds, the cell a row had in each column, and a
rewritten value split back into the operator / number / unit columns it was
published in. The readers record the layout; the reviewed-table export and the
report's unit sheets give the table back in it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ROW_FIELDS = ("level1", "level2", "level3", "description", "value")
SPLIT_FIELDS = ("operator", "number", "unit")
PROJECT_FIELDS = ("project", "unit_name", "budget", "fiscal_funds", "other_funds", "goal", "purpose")
FIELDS = ROW_FIELDS + SPLIT_FIELDS + PROJECT_FIELDS + ("extra",)
# The printed header of the seed's tables; also the layout of a source whose own is unknown.
DEFAULT_HEADERS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "description": "绩效指标描述",
                   "value": "指标值"}
# Reader field names (ingest.tabular) that Project.field_of spells differently.
_READER = {"org": "unit_name", "fiscal": "fiscal_funds", "other": "other_funds"}
_PROJECT_ATTR = {"project": "title", "unit_name": "unit"}  # the agency column holds the unit as printed


@dataclass(frozen=True)
class Column:
    header: str  # as printed
    key: str  # unique within the table (see column_keys)


def column_keys(headers: list[str]) -> list[str]:
    """One key per column: the header text; 列N for a blank header; 名称(N) for a
    header text seen before (N = 1-based column). Indicator.extra uses the same keys."""
    seen: set[str] = set()
    out = []
    for c, h in enumerate(headers):
        h = (h or "").strip()
        out.append(f"列{c + 1}" if not h else (f"{h}({c + 1})" if h in seen else h))
        seen.add(h)
    return out


def layout_of(headers: list[str], cols: dict[int, str], split: bool) -> tuple[list[str], dict[str, str]]:
    """(layout, field_of) of a header row: `cols` maps column index → reader
    field; a value column is 'number' when the value is split over columns."""
    width = max((c + 1 for c, h in enumerate(headers) if (h or "").strip()), default=0)
    layout = [(h or "").strip() for h in headers[:width]]
    field_of = {}
    for c, key in enumerate(column_keys(layout)):
        f = cols.get(c)
        field_of[key] = "extra" if f is None else ("number" if f == "value" and split else _READER.get(f, f))
    return layout, field_of


def effective(p) -> tuple[list[str], dict[str, str]]:
    """A project's layout, or the fixed one (一级指标 … 指标值, then its extra
    columns) when the source's is unknown."""
    if p.layout:
        return p.layout, p.field_of
    extra: list[str] = []
    for ind in p.indicators:
        extra += [k for k in ind.extra if k not in extra]
    layout = [DEFAULT_HEADERS[f] for f in ROW_FIELDS] + [k for k in extra if k not in DEFAULT_HEADERS.values()]
    field_of = {DEFAULT_HEADERS[f]: f for f in ROW_FIELDS}
    field_of.update({k: "extra" for k in layout[len(ROW_FIELDS):]})
    return layout, field_of


def sheet_columns(projects) -> list[Column]:
    """The columns of one sheet holding these projects: their layouts merged in
    order of first appearance (one file's tables share theirs), then any kept
    cell that had no header."""
    out: list[Column] = []
    seen: set[str] = set()
    for p in projects:
        layout, _ = effective(p)
        for header, key in zip(layout, column_keys(layout)):
            if key not in seen:
                seen.add(key)
                out.append(Column(header, key))
    for p in projects:
        for ind in p.indicators:
            for k in ind.extra:
                if k not in seen:
                    seen.add(k)
                    out.append(Column(k, k))
    return out


def column_fields(projects, columns: list[Column]) -> list[str]:
    """What each column holds (the first project that has the column says)."""
    maps = [effective(p)[1] for p in projects]
    return [next((fo[c.key] for fo in maps if c.key in fo), "extra") for c in columns]


def has_field(projects, field: str) -> bool:
    """True when every project's layout has a column holding `field`."""
    return all(field in effective(p)[1].values() for p in projects)


def cell(p, ind, key: str, field_of: dict[str, str]):
    """The row's original cell in column `key` (text; budgets as numbers)."""
    f = field_of.get(key, "extra")
    if f in ROW_FIELDS:
        return getattr(ind, f)
    if f in SPLIT_FIELDS:
        return ind.value_parts.get(f, "")
    if f == "year":  # a yearly target column (第一年度 …): kept in value_parts under its column key
        return ind.value_parts.get(key, "")
    if f in PROJECT_FIELDS:
        return getattr(p, _PROJECT_ATTR.get(f, f))
    return ind.extra.get(key, "")


def row_cells(p, ind, columns: list[Column], after: dict | None = None, field_of: dict[str, str] | None = None) -> list:
    """The row's cells under `columns`, with the accepted rewrite `after` (level1 …
    value) applied: a changed value is split back into operator / number / unit
    columns when the source published it that way."""
    field_of = field_of if field_of is not None else effective(p)[1]
    out = [cell(p, ind, c.key, field_of) for c in columns]
    if not after:
        return out
    fields = [field_of.get(c.key) for c in columns]
    for k, f in enumerate(fields):
        if f in ROW_FIELDS and f != "value" and f in after:
            out[k] = after[f]
    new = after.get("value")
    if new is None or str(new) == ind.value:
        return out
    present = set(fields)
    parts = split_value(str(new), operator_column="operator" in present, unit_column="unit" in present,
                        old_operator=ind.value_parts.get("operator", "")) if present & set(SPLIT_FIELDS) else {}
    for k, f in enumerate(fields):
        if f == "value":
            out[k] = str(new)
        elif f in SPLIT_FIELDS:
            out[k] = parts.get(f, "")
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).replace("％", "%")


def split_value(value: str, *, operator_column: bool = True, unit_column: bool = True, old_operator: str = "") -> dict[str, str]:
    """A value as the cells of a table that splits it: {'operator', 'number',
    'unit'}, which join back to the value. A value that is not exactly operator +
    number + unit (a range, a date, a sentence) goes whole into the number cell.
    The table's own operator word (正向指标, 定性, 大于等于 …) is kept when it
    stands for the same symbol."""
    from .ingest.common import operator_symbol
    from .values import _PREFIX_OPS, parse_value

    text = (value or "").strip()
    pv = parse_value(text)
    rest = _flat(text)
    tok = next((t for t in _PREFIX_OPS if rest.startswith(t)), "")
    rest = rest[len(tok):]
    if pv.number_text and rest == pv.number_text + pv.unit:
        op, num, unit = (pv.operator if tok else ""), pv.number_text, pv.unit
        if not unit_column:
            num, unit = num + unit, ""
        if not operator_column:
            num, op = op + num, ""
    else:
        op, num, unit = "", text, ""
    if operator_column and old_operator and operator_symbol(old_operator) == op:
        op = old_operator
    return {"operator": op, "number": num, "unit": unit}
