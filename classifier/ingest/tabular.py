"""Readers for one-row-per-indicator tables: .xlsx (every sheet) and .csv text.

Also holds the header vocabulary and the row → Indicator mapping that the
.docx reader reuses, so every table format names its columns the same way."""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ..models import Indicator, Problem, Project, ReadResult
from ..layout import column_keys, layout_of
from ..values import parse_value
from .limits import Limits
from .common import join_value, label_money_unit, money_unit_of, operator_symbol, read_money, split_unit

# Normalised header text → field. Exact matches only: fuzzy matching would turn
# 年度目标值 (a value) into 年度目标 (the project goal).
_SYNONYMS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "三级指标名称", "绩效指标名称", "具体指标", "绩效指标"),
    "description": ("绩效指标描述", "指标解释", "指标内容", "指标说明", "指标描述", "指标定义"),
    "value": ("指标值", "目标值", "年度指标值", "绩效指标值", "数值", "指标目标值", "年度目标值", "全年指标值", "总目标值",
              "总指标值", "总体指标值", "预期指标值"),
    "operator": ("指标性质", "运算符", "符号", "指标方向", "比较符"),
    "unit": ("计量单位", "度量单位", "指标单位"),
    "weight": ("分值", "权重", "指标分值", "指标权重"),
    "project": ("项目名称",),
    "org": ("主管部门", "单位", "单位名称", "预算单位", "实施单位", "项目单位", "部门名称", "主管部门及代码"),
    "budget": ("预算数", "资金总额", "年度资金总额", "项目金额", "预算金额", "年度预算数"),
    "fiscal": ("其中：财政资金", "其中财政资金", "财政资金", "财政拨款"),
    "other": ("其他资金",),
    "goal": ("绩效目标", "年度绩效目标", "年度目标", "总体目标"),
    "purpose": ("资金用途",),
}
FIELD_OF = {s: f for f, syns in _SYNONYMS.items() for s in syns}
ROW_FIELDS = ("level1", "level2", "level3", "description", "value", "operator", "unit")
HEADER_SCAN_ROWS = 20
UNIT_RE = re.compile(r"^(\d{4,})\s*(.*)$", re.S)
# Per-year target columns of multi-year tables (任务书/申报书): 第一年度, 第2年, 2025年度, 2026年目标值.
YEAR_RE = re.compile(r"^(第[一二三四五六七八九十\d]{1,3}年度?|\d{4}年度?)(指标值|目标值|目标|值)?$")
# Invisible characters that survive copy-paste into a header: never part of a name.
ZERO_WIDTH = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_NEWLINES = re.compile(r"[ \t]*(?:\r\n|\r|\n|\u2028|\u2029)[ \t]*")


def clean_cell(text: str) -> str:
    """A cell's text as every reader keeps it: line breaks (\\r\\n, \\r, Word's
    soft breaks) made one \\n, blanks around them and at the ends dropped. The
    break stays for display; comparisons (values.normalize) ignore it."""
    if not text:
        return ""
    return _NEWLINES.sub("\n", text).strip()


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Header text as compared: no blanks, no zero-width marks or BOM, no
    (万元)-style notes, no */：marks."""
    t = ZERO_WIDTH.sub("", text or "")
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"[（(][^）)]*[）)]", "", t)
    return t.strip("*＊:：")


def map_header(headers: list[str]) -> dict[int, str]:
    """Column index → field for the recognised columns. '单位' right after the
    value (or operator) column is the measuring unit, elsewhere the agency.
    Yearly target columns are all 'year'. A flat table naming its indicators
    in 指标内容 (and nothing else as the name) has that column as the name."""
    out: dict[int, str] = {}
    for c, h in enumerate(headers):
        n = norm(h)
        f = FIELD_OF.get(n)
        if f is None and YEAR_RE.match(n):
            out[c] = "year"
            continue
        if f == "org" and n == "单位" and out.get(c - 1) in ("value", "operator"):
            f = "unit"
        if f == "weight" or f in out.values():
            continue  # scores, and a second column for one field, are kept as extra
        if f:
            out[c] = f
    if "level3" not in out.values():
        named = [c for c, f in out.items() if f == "description" and norm(headers[c]) in ("指标内容", "指标")]
        if named:
            out[named[0]] = "level3"
    return out


def is_header(headers: list[str]) -> bool:
    """The indicator header: three recognised columns with a name or a value
    (一级/二级/三级, 三级/描述/指标值 …), or a flat table's name and value (or yearly) columns."""
    fields = set(map_header(headers).values())
    return (len(fields) >= 3 and bool(fields & {"level3", "value"})) or ("level3" in fields and bool(fields & {"value", "year"}))


def find_header(rows: list[list[str]]) -> int | None:
    """Index of the header row: near the top first, else anywhere (a pasted
    PDF text has its title block and notes first). Of two header rows in a row
    (绩效指标 merged over 一级/二级/三级 above them) the lower, fuller one."""
    hi = next((i for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]) if is_header(cells)), None)
    if hi is None:
        hi = next((i for i, cells in enumerate(rows[HEADER_SCAN_ROWS:], HEADER_SCAN_ROWS) if is_header(cells)), None)
    if hi is not None and hi + 1 < len(rows) and is_header(rows[hi + 1]):
        upper, lower = set(map_header(rows[hi]).values()), set(map_header(rows[hi + 1]).values())
        if upper != lower and len(lower | upper) > len(upper):
            return hi + 1
    return hi


def combine_headers(upper: list[str], lower: list[str]) -> list[str]:
    """One header from two rows: the lower cell where it names a column, else
    the one above it (指标值 merged down; 第一年度 under a merged 指标值)."""
    out = []
    for k in range(max(len(upper), len(lower))):
        up = upper[k] if k < len(upper) else ""
        lo = lower[k] if k < len(lower) else ""
        known = lambda h: FIELD_OF.get(norm(h)) or YEAR_RE.match(norm(h))  # noqa: E731
        out.append(lo if lo.strip() and (known(lo) or not known(up)) else (up or lo))
    return out


def is_repeated_header(cells: list[str], headers: list[str]) -> bool:
    """A header row again below the first (page breaks in exports, CSVs pasted
    one after another); compared without blanks, BOMs and zero-width marks."""
    lead = next((c for c in cells if c.strip()), "")
    if len(lead) > 40 or not FIELD_OF.get(norm(lead)) and norm(lead) not in {norm(h) for h in headers}:
        return False  # the common case, decided on one cell
    a = [norm(c) for c in cells if norm(c)]
    b = [norm(h) for h in headers if norm(h)]
    return bool(a) and (a == b or (len(a) >= 3 and is_header(cells) and set(a) <= set(b)))


# A row merged across the table's width, "名称：值" (服务对象满意度：优>=85%).
KV_RE = re.compile(r"^(?P<name>[^：:\n]{2,40}?)\s*[：:]\s*(?P<value>.+)$", re.S)
_NOT_INDICATOR = re.compile(r"^(注|备注|说明|填表|填报|联系|审核|负责人|日期|单位|制表|签字|盖章)")


_LEVEL1_WORD = re.compile(r"^(产出|效益|满意度)指标$")
_LEVEL2_WORD = re.compile(r"^(成本|数量|质量|时效|社会效益|经济效益|生态效益|可持续影响|服务对象满意度)指标$")
_OP_SPLIT = re.compile(r"(?=[<>=≥≤＞＜＝]|不低于|不少于|不高于|不超过|大于|小于|达到)")


def merged_indicator(own: dict[str, str]) -> dict[str, str] | None:
    """The fields of a row whose only text is one name/level cell of the form
    名称：值 — a row merged across the table ("满意度指标 | 服务对象满意度：优>=85%",
    or "满意度指标：服务对象满意度≥90%" over a flat table). A name that is a level
    (满意度指标) is the level the row sits in, and the rest splits at its
    operator. None when it does not read as an indicator (a note: 注：…)."""
    from ..values import parse_value

    for col in ("level3", "level2", "level1"):
        text = own.get(col, "")
        m = KV_RE.match(text or "")
        if not m or _NOT_INDICATOR.match(m.group("name").strip()):
            continue
        name, value = m.group("name").strip(), m.group("value").strip()
        out = {"level2": ""}
        level1, level2 = _LEVEL1_WORD.match(norm(name)), _LEVEL2_WORD.match(norm(name))
        if level1 or level2:
            out["level1" if level1 else "level2"] = name
            parts = _OP_SPLIT.split(value, maxsplit=1)
            name, value = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 and parts[0].strip() else (value, "")
        elif col == "level1" and not parse_value(value).has_digit:
            return None  # merged over the 一级 column too, and no number: more likely a note than a target
        out.update(level3=name, value=value)
        return out
    return None


def _only_name(fields: dict[str, str]) -> bool:
    """A flat table's merged row: text in the name column only, holding 名称：值."""
    return bool(fields.get("level3")) and not fields.get("description") and not fields.get("value") and bool(KV_RE.match(fields["level3"]))


def unit_parts(unit: str) -> tuple[str, str]:
    m = UNIT_RE.match(unit.strip())
    return (m.group(1), m.group(2).strip()) if m else ("", unit.strip())


def apply_field(p: Project, field: str, text: str, money_unit: str = "") -> str:
    """Set one project field from its printed text (first value wins). Money is
    kept in 万元; a bare number is in `money_unit` (the table's "单位：元"), else
    万元. Returns why a money cell could not be read, else ''."""
    text = text.strip()
    if not text:
        return ""
    if field == "project" and not p.title:
        p.title = text
    elif field == "org" and not p.unit:
        p.unit = text
        p.unit_code, p.unit_name = unit_parts(text)
    elif field in ("budget", "fiscal", "other"):
        attr = {"budget": "budget", "fiscal": "fiscal_funds", "other": "other_funds"}[field]
        if getattr(p, attr) is None:
            value, why = read_money(text, money_unit or "万元")
            setattr(p, attr, value)
            return why
    elif field in ("goal", "purpose") and not getattr(p, field):
        setattr(p, field, text)
    return ""


def with_label_unit(text: str, label: str) -> str:
    """A money cell under a label that names the unit (预算数（元）| 2400000) reads in that unit."""
    unit = label_money_unit(label)
    return f"{text}{unit}" if unit and text.strip() and not re.search(r"[元万亿]", text) else text


def kv_fields(cells: list[str]) -> list[tuple[str, str]]:
    """Label/value pairs of a header row: 项目名称 | X | 主管部门 | Y, or '项目名称：X'."""
    out = []
    labels = [FIELD_OF.get(norm(c)) for c in cells]
    for k, c in enumerate(cells):
        f = labels[k]
        if f in ("project", "org", "budget", "fiscal", "other", "goal", "purpose"):
            nxt = next((cells[j] for j in range(k + 1, len(cells)) if cells[j].strip()), "")
            nk = cells.index(nxt, k + 1) if nxt else -1
            if nxt and not labels[nk]:
                out.append((f, with_label_unit(nxt, c) if f in ("budget", "fiscal", "other") else nxt))
        elif f is None and re.search("[：:]", c):
            head, _, tail = re.split("([：:])", c, maxsplit=1)
            f = FIELD_OF.get(norm(head))
            if f in ("project", "org", "budget", "goal") and tail.strip() and norm(tail) not in ("万元", "元"):
                out.append((f, with_label_unit(tail.strip(), head) if f == "budget" else tail.strip()))
    return out


_SYMBOL_OP = re.compile(r"^[<>=≥≤≧≦＞＜＝]{1,2}$")


def make_indicator(pid: str, n: int, row: int, fields: dict[str, str], extra: dict[str, str], split: bool,
                   years: dict[str, str] | None = None) -> Indicator:
    """One Indicator from mapped cells; `split` when the value is spread over
    operator/number/unit columns, which are joined as published: a symbol
    cell (>=, ＝, ≥) is kept as typed, a word (正向指标, 大于等于) becomes its
    symbol. `years` (column key → cell) are the yearly targets, kept in
    value_parts under their column names."""
    num = fields.get("value", "")
    if split:
        op, unit = fields.get("operator", ""), fields.get("unit", "")
        sym = operator_symbol(op)
        # A number cell that already says its operator (≥95, 95以上) is not given a second one.
        if sym and (num.startswith(sym) or parse_value(num).operator):
            sym = ""
        value = join_value(op.strip() if sym and _SYMBOL_OP.match(op.strip()) else sym, num, unit)
        parts = {k: v for k, v in (("operator", op), ("number", num), ("unit", unit)) if v}
    else:
        value, parts = num, split_unit(num)
    for k, v in (years or {}).items():
        if v:
            parts[k] = v
    return Indicator(
        id=f"{pid}-{n:02d}", level1=fields.get("level1", ""), level2=fields.get("level2", ""),
        level3=fields.get("level3", ""), description=fields.get("description", ""), value=value,
        row=row, value_parts=parts, extra=extra,
    )


def _number_text(v: float, fmt: str) -> str:
    """A number as Excel shows it under its format: '0.00' keeps 28.40,
    '#,##0' 12,345, '0.0%' 95.0%, '0"万元"' 240万元; General as typed."""
    fmt = (fmt or "General").split(";")[0]
    if fmt in ("General", "@", "") or "E+" in fmt.upper():
        return f"{v * 100:.10g}%" if "%" in fmt else f"{v:.10g}"
    if isinstance(v, float) and not math.isfinite(v):
        return f"{v}"
    pct = "%" in fmt
    bare = re.sub(r'"[^"]*"|\\.|_.|\*.', "", fmt)  # quoted text, escapes, padding
    m = re.search(r"\.([0#]+)", bare)
    decimals = len(m.group(1).rstrip("#")) if m else 0
    n = v * 100 if pct else v
    text = f"{n:,.{decimals}f}" if "," in bare.split(".")[0] else f"{n:.{decimals}f}"
    if m and m.group(1).endswith("#"):  # optional digits: 0.0# shows 1.5, not 1.50
        text = text.rstrip("0").rstrip(".") if "." in text else text
    quoted = re.findall(r'"([^"]*)"', fmt)
    prefix = quoted[0] if quoted and fmt.index('"') < max(fmt.find("0"), fmt.find("#"), 0) else ""
    suffix = "".join(q for q in quoted if q != prefix or not prefix)
    return f"{prefix}{text}{'%' if pct else ''}{suffix}"


def _cell_text(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        # Shown as printed: a number formatted as % is stored as 0.95, "0.00" keeps 28.40.
        try:
            return _number_text(v, getattr(cell, "number_format", "General"))
        except (ValueError, TypeError):
            return f"{v:.10g}"
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def _prepare(rows: list[tuple[int, list[str]]], file: str, table_no: int, limits: Limits,
             problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """Every reader's cells the same way: line breaks normalised, a cell past
    the size limit cut and named (the rest of the file is read as usual)."""
    out = []
    cap = limits.max_cell_chars
    for rownum, cells in rows:
        cleaned = []
        for c, text in enumerate(cells):
            text = clean_cell(text)
            if len(text) > cap:
                problems.append(Problem(file, f"第{c + 1}列单元格有 {len(text):,} 个字符，超过上限 {cap:,}（设置 "
                                              f"{limits.setting('max_cell_chars')}），只保留前 {cap:,} 个字符，其余照常读取",
                                        table=table_no, row=rownum))
                text = text[:cap]
            cleaned.append(text)
        out.append((rownum, cleaned))
    return out


def header_rows(rows: list[list[str]]) -> tuple[int, int] | None:
    """(first, last) row of the header: one row, or two when the row below
    names the columns under merged cells (一级/二级/三级 under 绩效指标; 第一年度 …
    under 指标值)."""
    hi = find_header(rows)
    if hi is None:
        return None
    if hi > 0 and is_header(rows[hi - 1]) and set(map_header(rows[hi - 1]).values()) != set(map_header(rows[hi]).values()):
        return hi - 1, hi
    if hi + 1 < len(rows) and is_subheader(rows[hi + 1]) and not is_repeated_header(rows[hi + 1], rows[hi]):
        return hi, hi + 1
    return hi, hi


def is_subheader(cells: list[str]) -> bool:
    """A second header row: short cells, at least one naming a year or a field."""
    names = [norm(c) for c in cells if norm(c)]
    return bool(names) and all(len(n) <= 12 for n in names) and any(FIELD_OF.get(n) or YEAR_RE.match(n) for n in names) \
        and sum(1 for n in names if YEAR_RE.match(n)) >= 1


_LEVELS = ("level1", "level2")
_PROJECT_COLUMNS = ("project", "org", "budget", "fiscal", "other", "goal", "purpose")


def _clip(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def read_grid(rows: list[tuple[int, list[str]]], file: str, table_no: int, table_index: int,
              default_title: str, start_k: int, problems: list[Problem], *, limits: Limits | None = None,
              money_unit: str = "", ragged: bool = False) -> list[Project]:
    """Projects from one sheet/CSV/PDF table: find the header, map columns,
    group rows by 项目名称 + 单位, carry merged (empty) level and project cells
    down. `money_unit`: the unit a bare budget number is in when the table
    says so elsewhere; `ragged`: rows may stop at their last filled cell (xlsx)."""
    limits = limits or Limits()
    rows = _prepare(rows, file, table_no, limits, problems)
    texts = [cells for _, cells in rows]
    found = header_rows(texts)
    if found is None:
        problems.append(Problem(file, "没有找到表头（至少需要指标名称和指标值两列，或一级指标/三级指标/指标值等三个列名），该表未读取", table=table_no))
        return []
    first, hi = found
    headers = combine_headers(texts[first], texts[hi]) if first != hi else list(texts[hi])
    headers = [h.strip() for h in headers]
    cols = map_header(headers)
    width = max((c for c, h in enumerate(headers) if h), default=0) + 1
    split = bool({"operator", "unit"} & set(cols.values()))
    layout, field_of = layout_of(headers, cols, split)
    keys = column_keys(headers)
    unknown = [h for c, h in enumerate(headers) if c not in cols and h and FIELD_OF.get(norm(h)) is None]
    if unknown:
        problems.append(Problem(file, f"未识别的列：{'、'.join(unknown)}，已原样保留在 extra 中", table=table_no, row=rows[hi][0]))
    if any(ZERO_WIDTH.search(h) for h in headers):
        problems.append(Problem(file, "表头含有不可见字符（零宽空格、BOM 等），已忽略这些字符识别列名", table=table_no, row=rows[hi][0]))
    money_unit = money_unit or money_unit_of(t for cells in texts[:first] for t in cells)
    # Rows above the header may carry the project fields (项目名称 | X …) and a title.
    top = Project(id="", title="")
    money_problems: set[str] = set()

    def money(p: Project, field: str, text: str, rownum: int, label: str = "") -> None:
        why = apply_field(p, field, with_label_unit(text, label) if label else text, money_unit)
        if why and why not in money_problems:
            money_problems.add(why)
            problems.append(Problem(file, why, table=table_no, row=rownum))

    for rownum, cells in rows[:first]:
        for f, text in kv_fields(cells):
            money(top, f, text, rownum)
        filled = [c for c in cells if c.strip()]
        if len(filled) == 1 and filled[0].endswith("绩效目标表"):
            default_title = filled[0]
    groups: dict[tuple[str, str], Project] = {}
    key: tuple[str, str] | None = None
    level1 = level2 = ""
    repeated: list[int] = []
    for rownum, cells in rows[hi + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if is_repeated_header(cells, headers) or (first != hi and is_repeated_header(cells, texts[first])):
            repeated.append(rownum)
            continue
        if len(cells) < width and not ragged:
            problems.append(Problem(file, f"该行只有{len(cells)}个单元格（表头有{len(headers)}列），缺失的单元格按空白处理", table=table_no, row=rownum))
        cells = cells + [""] * (len(headers) - len(cells))
        fields = {f: cells[c].strip() for c, f in cols.items() if f != "year"}
        years = {keys[c]: cells[c].strip() for c, f in cols.items() if f == "year"}
        extra = {}
        for c, text in enumerate(cells):
            if c not in cols and (c < len(headers) and headers[c] or text.strip()):
                extra[keys[c] if c < len(keys) else f"列{c + 1}"] = text.strip()
        name = fields.get("project", "")
        if name or key is None:
            org = fields.get("org", "") or (key[1] if key and key[0] == name else top.unit)
            new_key = (name or top.title or default_title, org)
            if new_key != key:
                level1 = level2 = ""
            key = new_key
        if key not in groups:
            k = start_k + len(groups)
            groups[key] = Project(id=f"T{k:03d}", title="", table_index=table_index, layout=list(layout),
                                  field_of=dict(field_of))
            p = groups[key]
            apply_field(p, "project", key[0])
            apply_field(p, "org", key[1])
            p.budget, p.fiscal_funds, p.other_funds = top.budget, top.fiscal_funds, top.other_funds
            p.goal, p.purpose = top.goal, top.purpose
            p.money_unit = money_unit
        p = groups[key]
        for c, f in cols.items():
            if f in ("budget", "fiscal", "other", "goal", "purpose"):
                money(p, f, fields.get(f, ""), rownum, headers[c])
        own, prev1 = dict(fields), level1
        level1 = fields["level1"] = fields.get("level1") or level1
        level2 = fields["level2"] = fields.get("level2") or level2
        if (not any(fields.get(f) for f in ("level3", "description", "value")) or _only_name(fields)) and not any(years.values()):
            placed = merged_indicator(own)
            if placed:  # 满意度指标 | 服务对象满意度：优>=85% — a row merged across the table
                if "level1" not in placed and own.get("level1") and KV_RE.match(own["level1"]):
                    placed["level1"] = prev1  # merged over the 一级 column too: it sits in the level above
                fields.update(placed)
                level1, level2 = fields["level1"], ""
            else:
                stray = [t for c, t in enumerate(cells) if t.strip() and cols.get(c) not in _LEVELS + _PROJECT_COLUMNS
                         and not (c < len(headers) and FIELD_OF.get(norm(headers[c])) == "weight")]
                if re.match(r"^(合计|总计|小计)", norm(next((t for t in cells if t.strip()), ""))):
                    stray = []
                kv_like = [own[f] for f in _LEVELS + ("level3",) if re.search("[：:]", own.get(f, "") or "")]
                if stray or kv_like:
                    problems.append(Problem(file, f"该行无法归入指标（“{_clip((stray or kv_like)[0])}”不在指标名称、描述或指标值列），已跳过",
                                            table=table_no, row=rownum))
                continue  # a section row (一级/二级 only) or a total line
        if not fields.get("level3"):
            problems.append(Problem(file, "该行缺少三级指标名称", table=table_no, row=rownum))
        p.indicators.append(make_indicator(p.id, len(p.indicators) + 1, rownum, fields, extra, split, years))
    if repeated:
        shown = "、".join(map(str, repeated[:10])) + ("…" if len(repeated) > 10 else "")
        problems.append(Problem(file, f"跳过 {len(repeated)} 个重复的表头行（第{shown}行），未当作指标", table=table_no, row=repeated[0]))
    kept = [p for p in groups.values() if p.indicators]
    for j, p in enumerate(kept):  # ids without gaps left by groups that had no rows
        p.id = f"T{start_k + j:03d}"
        for n, ind in enumerate(p.indicators, start=1):
            ind.id = f"{p.id}-{n:02d}"
    return kept


# ---- .xlsx ------------------------------------------------------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def zip_too_big(data: bytes, limit_mb: float, setting: str, what: str) -> str:
    """Why a zip (xlsx/docx) is refused before it is opened: the uncompressed
    size its directory declares is past the limit. '' when it is fine."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except Exception:
        return ""  # not a readable zip: the reader says so in its own words
    if total > limit_mb * 1024 * 1024:
        return (f"{what}解压后有 {total / 1024 / 1024:,.0f} MB，超过上限 {limit_mb:g} MB（设置 {setting}），"
                "可能是压缩炸弹或大量空内容，未读取")
    return ""


def _sheet_extras(zf, path: str, limit: int = 5) -> tuple[list[tuple[int, int, int, int]], list[tuple[str, int, str]]]:
    """From one sheet's XML, streamed: its merged ranges, and formulas saved
    without a result (files written by programs, never opened in Excel)."""
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import range_boundaries

    merges, formulas = [], []
    with zf.open(path) as fh:
        for _, el in ET.iterparse(fh, events=("end",)):
            tag = el.tag
            if tag == _NS + "c":
                f = el.find(_NS + "f")
                v = el.find(_NS + "v")
                if f is not None and (v is None or not (v.text or "").strip()) and len(formulas) <= limit:
                    ref = el.get("r", "")
                    row = int(re.sub(r"\D", "", ref) or 0)
                    formulas.append((ref, row, "=" + (f.text or "")))
                el.clear()
            elif tag == _NS + "row":
                el.clear()
            elif tag == _NS + "mergeCell":
                try:
                    c1, r1, c2, r2 = range_boundaries(el.get("ref", ""))
                    merges.append((r1, c1, r2, c2))
                except (ValueError, TypeError):
                    pass
    return merges, formulas


def read_xlsx(data: bytes, name: str, limits: Limits | None = None, progress=None) -> ReadResult:
    """Every visible sheet, streamed (openpyxl read-only): memory follows the
    cells stored, not the extent a sheet claims (one cell at XFD1048576)."""
    import zipfile

    from openpyxl import load_workbook

    limits = limits or Limits()
    result = ReadResult()
    why = zip_too_big(data, limits.max_unzipped_mb, limits.setting("max_unzipped_mb"), "Excel 文件")
    if why:
        result.problems.append(Problem(name, why, fatal=True))
        return result
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # cached values of formulas
    except Exception as exc:
        result.problems.append(Problem(name, f"无法打开 Excel 文件（可能已损坏或不完整）：{plain_error(exc)}", fatal=True))
        return result
    zf = zipfile.ZipFile(io.BytesIO(data))  # the sheets' XML again, streamed, for merges and formulas
    try:
        for s, ws in enumerate(wb.worksheets):
            state = getattr(ws, "sheet_state", "visible")
            if state != "visible" and not limits.include_hidden_sheets:
                result.problems.append(Problem(name, f"工作表“{ws.title}”是隐藏工作表（{state}），已跳过；要一并审核，请加 --include-hidden-sheets"
                                                     f"（或设置 {limits.setting('include_hidden_sheets')}=1）", table=s + 1))
                continue
            try:
                rows = _sheet_rows(ws, zf, name, s + 1, limits, result.problems, progress)
                result.projects += read_grid(rows, name, s + 1, s, ws.title, len(result.projects) + 1, result.problems,
                                             limits=limits, ragged=True)
            except Exception as exc:  # one broken sheet must not lose the others
                result.problems.append(Problem(name, f"工作表“{ws.title}”无法读取：{plain_error(exc)}", table=s + 1))
    finally:
        wb.close()
        zf.close()
    return result


def _sheet_rows(ws, zf, name: str, table_no: int, limits: Limits, problems: list[Problem], progress=None) -> list[tuple[int, list[str]]]:
    """The non-empty rows of one sheet as text, vertically merged cells (一级指标,
    项目名称) repeated down so each row reads whole; bounded by the row and cell limits."""
    path = getattr(ws, "_worksheet_path", None)
    merges, formulas = _sheet_extras(zf, path) if path else ([], [])
    for ref, row, formula in formulas[:5]:
        problems.append(Problem(name, f"单元格 {ref} 是公式 {formula[:60]}，文件中没有保存计算结果，按空白读取；"
                                      "请在 Excel 中打开并保存后再导入", table=table_no, row=row))
    if len(formulas) > 5:
        problems.append(Problem(name, "另有公式单元格没有计算结果", table=table_no))
    fill_from = {}  # (row, col) → the merge's top-left (row, col)
    for r1, c1, r2, c2 in merges:
        if r2 > r1 and len(fill_from) + (r2 - r1) > limits.max_rows:
            problems.append(Problem(name, f"工作表“{ws.title}”的合并单元格 {r1}–{r2} 行超出行数上限 {limits.max_rows:,}"
                                          f"（设置 {limits.setting('max_rows')}），未按合并展开", table=table_no, row=r1))
            continue
        for r in range(r1 + 1, r2 + 1):
            fill_from[(r, c1)] = (r1, c1)
    top_text: dict[tuple[int, int], str] = {}
    tops = set(fill_from.values())
    ws.reset_dimensions()  # the <dimension> a file claims is not trusted: read only stored cells
    rows: list[tuple[int, list[str]]] = []
    cells_seen = 0
    for r, row in enumerate(ws.iter_rows(), start=1):
        if not row:
            continue
        cells_seen += sum(1 for cell in row if cell.value is not None)  # stored cells, not the padding up to them
        if cells_seen > limits.max_cells:
            problems.append(Problem(name, f"工作表“{ws.title}”的单元格超过上限 {limits.max_cells:,}（设置 {limits.setting('max_cells')}），"
                                          f"第{r}行起未读取", table=table_no, row=r))
            break
        texts = [_cell_text(cell) for cell in row]
        for (fr, fc) in ((r, c) for c in range(1, len(texts) + 2) if (r, c) in fill_from):
            while len(texts) < fc:
                texts.append("")
            texts[fc - 1] = top_text.get(fill_from[(fr, fc)], "")
        for c, t in enumerate(texts, start=1):
            if (r, c) in tops:
                top_text[(r, c)] = t
        if not any(texts):
            continue
        rows.append((r, texts))
        if len(rows) >= limits.max_rows:
            problems.append(Problem(name, f"工作表“{ws.title}”超过 {limits.max_rows:,} 行（设置 {limits.setting('max_rows')}），"
                                          f"第{r}行之后未读取", table=table_no, row=r))
            break
        if progress and len(rows) % 10000 == 0:
            progress(len(rows), 0, f"读取 {ws.title}")
    return rows


def plain_error(exc: Exception) -> str:
    """An exception as a message without object reprs (<_io.BytesIO object at 0x…>)."""
    text = re.sub(r"'?<[^<>]*\bat 0x[0-9a-fA-F]+>'?", "", str(exc)).strip(" ,:")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---- .csv -------------------------------------------------------------------------

def read_csv_text(text: str, name: str, limits: Limits | None = None) -> ReadResult:
    limits = limits or Limits()
    result = ReadResult()
    text = text.lstrip("\ufeff")
    head = text[:4000]
    delim = "\t" if head.count("\t") > head.count(",") else ","
    # A cell is bounded by the file, and cut later by max_cell_chars: the csv
    # module's own 131,072-character field limit must not drop the rest of the file.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
    rows = []
    # newline=None: \r\n, \n and a lone \r (old Mac exports) all end a line.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delim)
    line = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, [c.strip() for c in cells]))
                if len(rows) >= limits.max_rows:
                    result.problems.append(Problem(name, f"超过 {limits.max_rows:,} 行（设置 {limits.setting('max_rows')}），其后内容未读取",
                                                   table=1, row=line))
                    break
            line = reader.line_num + 1  # a quoted cell may span lines
    except csv.Error as exc:
        result.problems.append(Problem(name, f"CSV 格式错误，其后内容未读取：{exc}", table=1, row=line))
    result.projects = read_grid(rows, name, 1, 0, Path(name).stem, 1, result.problems, limits=limits)
    return result
