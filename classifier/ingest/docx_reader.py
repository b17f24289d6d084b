"""Reader for .docx files whose Word tables are 绩效目标表.

One project per indicator table. Project fields sit in the rows above the
indicator header (项目名称 | X, 预算数 | 240 …) or in a table of their own just
before the indicator table. Cells are read from the XML (w:tc) rather than
python-docx's grid view, so a cell spanning columns counts once while two
neighbouring cells with the same text (名称 = 描述) both stay."""
from __future__ import annotations

import io
import re

from ..layout import column_keys, layout_of
from ..models import Problem, Project, ReadResult
from .common import money_unit_of
from .limits import Limits
from .tabular import (FIELD_OF, _only_name, KV_RE, ZERO_WIDTH, _clip, apply_field, clean_cell, combine_headers, header_rows,
                      is_repeated_header, kv_fields, make_indicator, map_header, merged_indicator, norm, plain_error,
                      with_label_unit, zip_too_big)

UNIT_CELL_RE = re.compile(r"^\d{6,}\D")
# A numbered section heading of a 申报书/任务书 (六、参加人员及分工; （二）…; 3.1 …): never a project name.
SECTION_RE = re.compile(r"^\s*([一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+(\.\d+)*\s*[、.．\s]|"
                        r"第[一二三四五六七八九十\d]+[章节部分条]|附[件表]\s*\d*\s*$)")
PROJECT_PARAGRAPH_RE = re.compile(r"^\s*项目名称\s*[：:]\s*(?P<name>\S.*?)\s*$")

Cell = tuple[int, int, str]  # (first grid column, columns spanned, text)


def _huge_text_parser() -> None:
    """python-docx parses with lxml's default limits, which refuse a document
    holding one text node over 10 MB ("Text node too long") — the whole file
    lost for one cell. The document's size is bounded before parsing
    (INDICATOR_QA_MAX_DOCX_XML_MB), so lift lxml's per-node limit, with the
    same element classes and no entity resolution."""
    from docx.oxml import parser
    from lxml import etree

    if _HUGE and parser.oxml_parser is _HUGE[0]:
        return
    huge = etree.XMLParser(remove_blank_text=True, resolve_entities=False, huge_tree=True)
    huge.set_element_class_lookup(parser.element_class_lookup)
    parser.oxml_parser = huge
    _HUGE[:] = [huge]


_HUGE: list = []


def _rows(table, cap: int, cut: list[tuple[int, int, int]]) -> list[list[Cell]]:
    from docx.table import _Cell

    out: list[list[Cell]] = []
    above: dict[int, str] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        col = tr.grid_before
        cells: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            # A vertically merged continuation cell is empty in the XML; it shows
            # the text of the cell above, as Word does.
            text = above.get(col, "") if tc.vMerge == "continue" else clean_cell(_Cell(tc, table).text)
            if len(text) > cap:
                cut.append((r + 1, col + 1, len(text)))
                text = text[:cap]
            cells.append((col, span, text))
            col += span
        above = {c: t for c, _, t in cells}
        out.append(cells)
    return out


def _fields(rows: list[list[Cell]], p: Project, file: str, tno: int, money_unit: str, problems: list[Problem]) -> bool:
    """Fill project fields from label/value rows; True when any was found."""
    found = False
    for r, cells in enumerate(rows):
        texts = [t for _, _, t in cells]
        pairs = kv_fields(texts)
        for f, text in pairs:
            why = apply_field(p, f, text, money_unit)
            if why:
                problems.append(Problem(file, why, table=tno, row=r + 1))
        found = found or bool(pairs)
        others = [t for t in texts[1:] if t and norm(t) != "预算规模及资金用途"]
        if texts and norm(texts[0]) == "预算规模及资金用途" and not pairs and len(others) == 1:
            apply_field(p, "purpose", others[0])  # the seed's unlabelled 资金用途 line
        for t in texts:
            if UNIT_CELL_RE.match(t) and not pairs:
                apply_field(p, "org", t)
                found = True
    return found


def _align(cells: list[Cell], header: list[Cell]) -> tuple[list[str], int]:
    """Data cells placed under the header column covering their first grid
    column; also returns the grid width the row covers."""
    out = [""] * len(header)
    for start, _, text in cells:
        for k, (hs, hspan, _) in enumerate(header):
            if hs <= start < hs + hspan:
                out[k] = out[k] + text if out[k] != text else text
                break
    return out, max((s + n for s, n, _ in cells), default=0)


def _header(rows: list[list[Cell]], first: int, hi: int) -> list[Cell]:
    """The header's cells (grid positions of the lower row) with the texts of
    both header rows combined (指标值 merged over 第一年度/第二年度 …)."""
    lower = rows[hi]
    if first == hi:
        return lower
    upper = [next((t for s, n, t in rows[first] if s <= start < s + n), "") for start, _, _ in lower]
    texts = combine_headers(upper, [t for _, _, t in lower])
    return [(s, n, t) for (s, n, _), t in zip(lower, texts)]


def _indicators(p: Project, rows: list[list[Cell]], first: int, hi: int, file: str, tno: int, problems: list[Problem]) -> None:
    header = _header(rows, first, hi)
    headers = [t for _, _, t in header]
    cols = map_header(headers)
    split = bool({"operator", "unit"} & set(cols.values()))
    p.layout, p.field_of = layout_of(headers, cols, split)
    keys = column_keys(headers)
    unknown = [h for c, h in enumerate(headers) if c not in cols and h and h not in headers[:c] and FIELD_OF.get(norm(h)) is None]
    if unknown:
        problems.append(Problem(file, f"未识别的列：{'、'.join(unknown)}，已原样保留在 extra 中", table=tno, row=hi + 1))
    if any(ZERO_WIDTH.search(h) for h in headers):
        problems.append(Problem(file, "表头含有不可见字符（零宽空格、BOM 等），已忽略这些字符识别列名", table=tno, row=hi + 1))
    width = max(s + n for s, n, _ in header)
    level1 = level2 = ""
    repeated: list[int] = []
    for r in range(hi + 1, len(rows)):
        texts, covered = _align(rows[r], header)
        if not any(texts):
            continue
        if is_repeated_header(texts, headers):
            repeated.append(r + 1)
            continue
        if covered < width:
            problems.append(Problem(file, f"该行缺少单元格（覆盖{covered}列，表头{width}列），缺失的单元格按空白处理", table=tno, row=r + 1))
        fields = {f: texts[c] for c, f in cols.items() if f != "year"}
        years = {keys[c]: texts[c] for c, f in cols.items() if f == "year"}
        extra = {}
        for c, text in enumerate(texts):
            if c not in cols and (headers[c] or text):
                extra[keys[c]] = text
        own, prev1 = dict(fields), level1
        level1 = fields["level1"] = fields.get("level1") or level1
        level2 = fields["level2"] = fields.get("level2") or level2
        if (not any(fields.get(f) for f in ("level3", "description", "value")) or _only_name(fields)) and not any(years.values()):
            placed = merged_indicator(own)
            if placed:  # 满意度指标 | 服务对象满意度：优>=85%, merged across the table
                if "level1" not in placed and own.get("level1") and KV_RE.match(own["level1"]):
                    placed["level1"] = prev1
                fields.update(placed)
                level1, level2 = fields["level1"], ""
            else:
                stray = [t for c, t in enumerate(texts) if t and cols.get(c) not in ("level1", "level2")
                         and FIELD_OF.get(norm(headers[c])) != "weight"]
                kv_like = [own[f] for f in ("level1", "level2", "level3") if re.search("[：:]", own.get(f, "") or "")]
                if re.match(r"^(合计|总计|小计)", norm(next((t for t in texts if t), ""))):
                    stray = []
                if stray or kv_like:
                    problems.append(Problem(file, f"该行无法归入指标（“{_clip((stray or kv_like)[0])}”不在指标名称、描述或指标值列），已跳过",
                                            table=tno, row=r + 1))
                continue  # a section row holding only 一级/二级
        if not fields.get("level3"):
            problems.append(Problem(file, "该行缺少三级指标名称", table=tno, row=r + 1))
        p.indicators.append(make_indicator(p.id, len(p.indicators) + 1, r + 1, fields, extra, split, years))
    if repeated:
        shown = "、".join(map(str, repeated[:10])) + ("…" if len(repeated) > 10 else "")
        problems.append(Problem(file, f"跳过 {len(repeated)} 个重复的表头行（第{shown}行），未当作指标", table=tno, row=repeated[0]))


def _blocks(container):
    """Paragraph texts and tables in reading order, tables nested in a layout
    table's cells included (each after the table holding it)."""
    from docx.table import Table, _Cell

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield block
            if block._tbl.xpath("./w:tr/w:tc/w:tbl"):  # only layout tables pay for the walk
                for tc in block._tbl.xpath("./w:tr/w:tc[w:tbl]"):
                    yield from _blocks(_Cell(tc, block))
        else:
            yield block.text


def _title_from(paragraphs: list[str]) -> str:
    """A table's title from the text before it: a …绩效目标表 line, else the
    last line unless it is a numbered section heading."""
    for t in reversed(paragraphs):
        if t.endswith("绩效目标表"):
            return t
    last = paragraphs[-1] if paragraphs else ""
    return "" if not last or SECTION_RE.match(last) or len(last) > 60 else last


def read_docx(data: bytes, name: str, limits: Limits | None = None) -> ReadResult:
    import zipfile

    import docx
    from docx.table import Table

    limits = limits or Limits()
    result = ReadResult()
    why = zip_too_big(data, limits.max_unzipped_mb, limits.setting("max_unzipped_mb"), "Word 文件")
    if not why:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                size = max((i.file_size for i in zf.infolist() if i.filename.startswith("word/") and i.filename.endswith(".xml")), default=0)
            if size > limits.max_docx_xml_mb * 1024 * 1024:
                why = (f"Word 文件的正文解压后有 {size / 1024 / 1024:,.0f} MB，超过上限 {limits.max_docx_xml_mb:g} MB"
                       f"（设置 {limits.setting('max_docx_xml_mb')}），可能含大量空段落，未读取")
        except Exception:
            pass  # python-docx below says what is wrong with the zip
    if why:
        result.problems.append(Problem(name, why, fatal=True))
        return result
    _huge_text_parser()
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:
        result.problems.append(Problem(name, f"无法打开 Word 文件（可能已损坏、不完整或不是 .docx）：{plain_error(exc)}", fatal=True))
        return result
    paragraphs: list[str] = []  # text since the last table: the next table's title
    doc_title = ""  # the document's title block: its first line that is not a section heading
    named = ""  # the latest "项目名称：X" line of the text
    money_unit = ""
    pending: Project | None = None  # fields from a table that had no indicators
    tno = 0
    for block in _blocks(doc):
        if not isinstance(block, Table):
            text = clean_cell(block)
            if text:
                paragraphs.append(text)
                if not doc_title and not SECTION_RE.match(text) and len(text) <= 60 and tno == 0:
                    doc_title = text
                m = PROJECT_PARAGRAPH_RE.match(text)
                if m:
                    named = m.group("name")
                money_unit = money_unit_of([text]) or money_unit
            continue
        tno += 1
        heading = _title_from(paragraphs)
        paragraphs = []
        try:
            cut: list[tuple[int, int, int]] = []
            rows = _rows(block, limits.max_cell_chars, cut)
            for r, c, n in cut:
                result.problems.append(Problem(name, f"第{c}列单元格有 {n:,} 个字符，超过上限 {limits.max_cell_chars:,}（设置 "
                                                     f"{limits.setting('max_cell_chars')}），只保留前 {limits.max_cell_chars:,} 个字符，其余照常读取",
                                               table=tno, row=r))
            found = header_rows([[t for _, _, t in cells] for cells in rows])
            first, hi = found if found else (None, None)
            unit = money_unit_of(t for cells in rows[: first if first is not None else len(rows)] for _, _, t in cells) or money_unit
            p = Project(id=f"T{len(result.projects) + 1:03d}", title="", table_index=tno - 1, money_unit=unit)
            has_fields = _fields(rows[: first if first is not None else len(rows)], p, name, tno, unit, result.problems)
            if hi is None:
                if not has_fields:
                    if not block._tbl.xpath(".//w:tbl"):  # a layout table holding tables is read through them
                        result.problems.append(Problem(name, "表格中没有找到指标表头（一级指标/二级指标/三级指标/指标值，或指标名称/指标值），该表未读取", table=tno))
                    continue
                if pending is not None:
                    result.problems.append(Problem(name, f"项目“{pending.title}”的信息表之后没有指标表", table=tno - 1))
                p.title = p.title or named or heading
                pending = p
                continue
            if pending is not None and not p.title:
                # The project's fields came in the table before this one.
                for attr in ("title", "unit", "unit_code", "unit_name", "budget", "fiscal_funds", "other_funds", "purpose", "goal"):
                    if getattr(p, attr) in ("", None):
                        setattr(p, attr, getattr(pending, attr))
            pending = None
            p.title = p.title or named or heading or doc_title or f"表{tno}"
            _indicators(p, rows, first, hi, name, tno, result.problems)
            if p.indicators:
                result.projects.append(p)
            else:
                result.problems.append(Problem(name, "指标表头之下没有指标行", table=tno))
        except Exception as exc:  # one broken table must not lose the rest of the file
            result.problems.append(Problem(name, f"表格无法读取：{plain_error(exc)}", table=tno))
    if pending is not None:
        result.problems.append(Problem(name, f"项目“{pending.title}”的信息表之后没有指标表", table=tno))
    if tno == 0:
        result.problems.append(Problem(name, "Word 文件中没有表格", fatal=True))
    return result
