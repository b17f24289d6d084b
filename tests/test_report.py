"""Batch reports (issue 9): figures equal the JSON summary, indicator text stays
inert, the workbook has its sheets/chart/filters, output is deterministic, the
HTML renders in a real browser, and a baseline comparison finds what changed."""
from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from classifier.cli import main
from classifier.ingest import read_path
from classifier.pipeline import review
from classifier.report import compare, load_baseline, render_html, render_xlsx

HEAD = ["单位", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "分值"]
SCRIPT = "<script>alert('x')</script>"
HYPERLINK = '=HYPERLINK("http://evil.example","点击")'
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def flatten(summary: dict) -> dict[str, object]:
    """The JSON summary as key → number, keys as the reports name them."""
    out: dict[str, object] = {}
    for k, v in summary.items():
        if k == "by_unit":
            for unit, fig in v.items():
                for name, n in fig.items():
                    out[f"by_unit.{unit}.{name}"] = n
        elif isinstance(v, dict):
            for name, n in v.items():
                out[f"{k}.{name}"] = n
        else:
            out[k] = v
    return out


def html_figures(text: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for k, v in re.findall(r'data-key="([^"]*)" data-value="([^"]*)"', text)}


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory, seed_path, shared_home):
    """One CLI run of `review --format json` and one of `report` on the seed (in a data
    dir of their own: a module fixture runs before the per-test one is set)."""
    d = tmp_path_factory.mktemp("seed_reports")
    runner = CliRunner()
    with shared_home("seed-reports-home"):
        res = runner.invoke(main, ["review", str(seed_path), "--format", "json", "--out", str(d / "review.json")])
        assert res.exit_code == 0, res.output
        res = runner.invoke(main, ["report", str(seed_path), "--out", str(d / "report.html"), "--out", str(d / "report.xlsx")])
        assert res.exit_code == 0, res.output
    summary = json.loads((d / "review.json").read_text(encoding="utf-8"))["summary"]
    return d, summary


def test_html_figures_equal_json_summary(seed_reports):
    d, summary = seed_reports
    want = flatten(summary)
    got = html_figures((d / "report.html").read_text(encoding="utf-8"))
    shown = {k for k in want if not k.startswith("rewrites") or k in got}
    missing = sorted(shown - got.keys())
    assert not missing, f"figures missing from the HTML: {missing}"
    for key in shown:
        assert float(got[key]) == pytest.approx(float(want[key])), key
    assert summary["units"] == sum(1 for k in got if k.startswith("by_unit.") and k.endswith(".rows"))


def test_xlsx_figures_equal_json_summary(seed_reports):
    d, summary = seed_reports
    ws = load_workbook(d / "report.xlsx")["汇总"]
    got = {r[1]: r[2] for r in ws.iter_rows(values_only=True) if isinstance(r[1], str) and r[2] is not None
           and not isinstance(r[2], str)}
    want = {k: v for k, v in flatten(summary).items() if not k.startswith("by_unit.")}
    assert {k: got.get(k) for k in want} == pytest.approx(want)
    # the unit table: unit, tables, rows, flagged
    units = {}
    for r in ws.iter_rows(values_only=True):
        if r[0] in summary["by_unit"] and isinstance(r[1], int):
            units[r[0]] = {"tables": r[1], "rows": r[2], "flagged": r[3]}
    assert units == summary["by_unit"]


def test_xlsx_sheets_chart_filters(seed_reports, seed_read):
    d, summary = seed_reports
    path = d / "report.xlsx"
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names[:2] == ["汇总", "项目排名"]
    assert len(names) == len(set(n.lower() for n in names))
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    unit_names = {p.unit_name or p.unit for p in seed_read.projects}
    unit_sheets = [n for n in names if n in unit_names]
    assert len(unit_sheets) == summary["units"] == 19
    # native chart on the summary sheet
    assert len(wb["汇总"]._charts) == 1
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts and re.search(rb"<(\w+:)?barChart>", z.read(charts[0]))
    total_rows = 0
    for n in unit_sheets:
        ws = wb[n]
        header = [c.value for c in ws[1]]
        # The seed's printed header first (its layout), then row id, project and the review's columns.
        assert header == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "编号", "项目名称",
                          "问题标签", "严重程度", "依据", "建议改写", "改写说明"]
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert len(list(ws.conditional_formatting)) >= 1
        total_rows += ws.max_row - 1
        sev = header.index("严重程度")
        assert {r[sev] for r in ws.iter_rows(min_row=2, values_only=True)} <= {None, "", "block", "warn", "suggest"}
    assert total_rows == summary["rows"]


def _injection_rows() -> list[list]:
    unit, title = "999001<b>测试</b>单位", f"注入测试项目{SCRIPT}"
    return [
        [unit, title, 10, "产出指标", "数量指标", SCRIPT, "-", "效果明显", "10"],
        [unit, title, 10, "产出指标", "质量指标", HYPERLINK, "项目支出", HYPERLINK, "@SUM(A1)"],
        [unit, title, 10, "满意度指标", "服务对象满意度指标", "+满意度", "-1+2", "=1+1", "5"],
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_script_and_formula_come_out_inert(tmp_path, fmt):
    src = tmp_path / f"inject.{fmt}"
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.append(HEAD)
        for r, row in enumerate(_injection_rows(), start=2):
            for c, v in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=v).data_type = "s" if isinstance(v, str) else "n"
        wb.save(src)
    else:
        with src.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([HEAD] + _injection_rows())
    read = read_path(src)
    assert read.projects, [str(p) for p in read.problems]
    texts = {i.level3 for p in read.projects for i in p.indicators}
    assert SCRIPT in texts and HYPERLINK in texts
    rv = review(read)
    assert rv.labels(next(i.id for _, i in rv.rows() if i.level3 == SCRIPT)), "the crafted row must be flagged to be listed"

    page = render_html(rv, generated_at="T")
    assert "<script" not in page.lower()
    assert "<b>测试</b>" not in page
    assert html.escape(SCRIPT) in page  # shown as text, in the detail rows
    assert html.escape(HYPERLINK) in page

    out = tmp_path / "r.xlsx"
    out.write_bytes(render_xlsx(rv))
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {HYPERLINK, "=1+1", "@SUM(A1)", "+满意度", "-1+2"} <= {c.value for c in risky}
    for c in risky:
        assert c.data_type == "s", (c.coordinate, c.value)
        assert c.quotePrefix, (c.coordinate, c.value)


def test_same_input_gives_identical_files(tmp_path, seed_path):
    """Two processes with different hash seeds: same xlsx bytes, same HTML but the timestamp."""
    for k in (1, 2):
        subprocess.run([sys.executable, "-m", "classifier.cli", "report", str(seed_path), "--out", str(tmp_path / f"r{k}.xlsx"),
                        "--out", str(tmp_path / f"r{k}.html")], check=True, capture_output=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": str(k)})
    a, b = (tmp_path / "r1.xlsx").read_bytes(), (tmp_path / "r2.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "r1.xlsx") as z1, zipfile.ZipFile(tmp_path / "r2.xlsx") as z2:
        assert z1.namelist() == z2.namelist()
        for n in z1.namelist():
            assert z1.read(n) == z2.read(n), n
    assert a == b
    strip = lambda p: re.sub(r'id="generated-at">[^<]*', "", p.read_text(encoding="utf-8"))
    assert strip(tmp_path / "r1.html") == strip(tmp_path / "r2.html")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_html_renders_overview_chart_in_chromium(tmp_path, seed_reports, artifacts):
    d, summary = seed_reports
    page = artifacts / "report.html"
    shutil.copy(d / "report.html", page)
    shot = artifacts / "report.png"
    shot.unlink(missing_ok=True)
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000"]
    url = page.resolve().as_uri()
    subprocess.run(base + [f"--screenshot={shot}", url], check=True, capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    dom = subprocess.run(base + ["--dump-dom", url], check=True, capture_output=True, timeout=120, text=True).stdout
    chart = re.search(r'<svg[^>]*id="chart-overview".*?</svg>', dom, re.S)
    assert chart, "overview chart svg missing from the rendered DOM"
    assert chart.group(0).count("<rect") >= 2
    assert re.search(r'<svg[^>]*id="chart-labels"', dom)
    assert f"{summary['flagged_rows']}/{summary['rows']}" in chart.group(0)


# ---- baseline comparison ------------------------------------------------------

def _table(path: Path, after: bool) -> None:
    a, b = "100001甲单位", "100002乙单位"
    rows = [
        [a, "甲项目", 50, "产出指标", "时效指标", "资金支出及时率",
         "按计划时间节点支付的资金/应支付资金×100%，数据来源为财务支付记录" if after else "项目支出", "≥95%" if after else "2022年1月-12月"],
        [a, "甲项目", 50, "产出指标", "数量指标", "培训人数", "参加培训并签到的人数，以签到表为准", "≥300人次"],
        [a, "甲项目", 50, "满意度指标", "服务对象满意度指标", "参训人员满意度", "问卷调查中满意和基本满意的人数/受访人数×100%", "≥90%"],
        [b, "乙项目", 20, "产出指标", "数量指标", "设备采购数量", "按合同验收入库的设备台数", "≥10台"],
        [b, "乙项目", 20, "效益指标", "社会效益指标", "设备使用率", "使用天数/工作日×100%，以使用登记为准", "效果明显" if after else "≥85%"],
        [b, "乙项目", 20, "满意度指标", "服务对象满意度指标", "使用人员满意度", "问卷调查中满意人数/受访人数×100%", "≥90%"],
    ]
    if after:
        rows.append([b, "乙项目", 20, "产出指标", "质量指标", "设备合格率", "设备合格率", "良好"])
    wb = Workbook()
    wb.active.append(HEAD[:-1])
    for r in rows:
        wb.active.append(r)
    wb.save(path)


def test_baseline_comparison(tmp_path):
    before, after = tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    _table(before, after=False)
    _table(after, after=True)
    runner = CliRunner()
    res = runner.invoke(main, ["review", str(before), "--format", "json", "--out", str(tmp_path / "before.json")])
    assert res.exit_code == 0, res.output
    # preconditions on the crafted pair, so a failure below means the comparison is wrong
    labels = lambda rv: {i.level3: rv.labels(i.id) for _, i in rv.rows()}
    lb, la = labels(review(read_path(before))), labels(review(read_path(after)))
    assert lb["资金支出及时率"] and not la["资金支出及时率"]
    assert not lb["设备使用率"] and la["设备使用率"] and la["设备合格率"]

    cmp = compare(review(read_path(after)), load_baseline(tmp_path / "before.json"))
    assert [r["level3"] for r in cmp["fixed"]] == ["资金支出及时率"]
    assert cmp["fixed"][0]["before_value"] == "2022年1月-12月"
    assert sorted(r["level3"] for r in cmp["newly_flagged"]) == ["设备使用率", "设备合格率"]
    assert {r["level3"]: r["new_row"] for r in cmp["newly_flagged"]} == {"设备使用率": False, "设备合格率": True}
    assert cmp["improved_units"] == ["100001甲单位"] and cmp["worse_units"] == ["100002乙单位"]
    assert cmp["removed"] == []

    res = runner.invoke(main, ["report", str(after), "--baseline", str(tmp_path / "before.json"),
                               "--out", str(tmp_path / "r.html"), "--out", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 0, res.output
    figs = html_figures((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert (figs["compare.fixed"], figs["compare.newly_flagged"], figs["compare.improved_units"]) == ("1", "2", "1")
    wb = load_workbook(tmp_path / "r.xlsx")
    kinds = [r[0] for r in wb["变化"].iter_rows(min_row=2, values_only=True)]
    assert kinds.count("已修正") == 1 and kinds.count("新出现问题") == 2


# ---- CLI exit codes -----------------------------------------------------------

def test_report_cli_exit_codes(tmp_path, seed_path):
    runner = CliRunner()
    res = runner.invoke(main, ["report", str(tmp_path / "missing.docx"), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "没有可读取" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    res = runner.invoke(main, ["report", str(seed_path), "--baseline", str(bad), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "bad.json" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["report", str(seed_path), "--out", str(tmp_path / "r.pdf")])
    assert res.exit_code == 2 and ".html" in res.output
    res = runner.invoke(main, ["report", str(seed_path), "--out", str(tmp_path / "r.html"), "--fail-on", "block"])
    assert res.exit_code == 1 and (tmp_path / "r.html").exists()


def test_unit_sheet_keeps_a_split_source_layout(tmp_path):
    """A central template split over 指标性质/目标值/计量单位, with its own 项目名称
    and 主管部门 columns: the unit sheet gives those columns back, in order."""
    head = ["主管部门", "项目名称", "一级指标", "二级指标", "三级指标", "指标解释", "指标性质", "目标值", "计量单位", "分值"]
    rows = [["100001甲单位", "设备购置", "产出指标", "数量指标", "设备数量", "购置设备台数", "正向指标", "30", "台", "10"],
            ["100001甲单位", "设备购置", "产出指标", "成本指标", "人均成本", "人均培训成本", "反向指标", "500", "元/人", "10"]]
    wb = Workbook()
    wb.active.append(head)
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / "t.xlsx")
    rv = review(read_path(tmp_path / "t.xlsx"))
    assert [i.value for _, i in rv.rows()] == ["≥30台", "≤500元/人"]
    data = render_xlsx(rv)
    assert render_xlsx(rv) == data  # still deterministic
    (tmp_path / "r.xlsx").write_bytes(data)
    ws = load_workbook(tmp_path / "r.xlsx")["甲单位"]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert got[0] == head + ["编号", "问题标签", "严重程度", "依据", "建议改写", "改写说明"]
    assert [r[:len(head)] for r in got[1:]] == rows
    assert [r[len(head)] for r in got[1:]] == ["T001-01", "T001-02"]
