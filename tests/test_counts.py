"""One truth for counts (issue 17, item 6): the copy-paste clusters, their ✱
marks and the copy_paste labels agree between `indicator-qa clusters`,
`indicator-qa review`, the app's view-model and both reports, on the seed."""
import io
import json
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from classifier import appmodel as am
from classifier.cli import main
from classifier.clusters import unclustered_copy_paste
from classifier.report import render_html, render_xlsx


@pytest.fixture
def rv(seed_review):
    return seed_review


def test_clusters_marks_and_labels_agree_everywhere(rv, seed_path):
    runner = CliRunner()
    # indicator-qa review: the copy_paste labels of every row.
    res = runner.invoke(main, ["review", str(seed_path), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    labelled = {r["id"] for r in map(json.loads, res.stdout.splitlines()) if "copy_paste" in r["labels"]}
    assert labelled == {ind.id for _, ind in rv.rows() if "copy_paste" in rv.labels(ind.id)}

    # indicator-qa clusters: members and ✱ rows of each cluster.
    res = runner.invoke(main, ["clusters", str(seed_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    cli = [({r["ref"].split("/")[-1] for r in c["rows"]}, {ref.split("/")[-1] for ref in c["copy_paste"]})
           for c in json.loads(res.stdout)]
    summary = re.search(r"(\d+) 个簇，(\d+) 行；✱ 标记的 (\d+) 行", res.stderr)
    assert summary and [int(x) for x in summary.groups()] == [len(cli), sum(len(m) for m, _ in cli),
                                                              sum(len(f) for _, f in cli)]
    # The app's 相似与重复 page and its review groups.
    app = [({r["id"] for r in c["rows"]}, {r["id"] for r in c["rows"] if r["flagged"]}) for c in am.copy_paste_clusters(rv)]
    assert app == cli
    assert cli and all(flagged for _, flagged in cli)  # every shown cluster holds a copy_paste row
    # Every ✱ is a copy_paste label of the review, and every copy_paste label is a ✱
    # (or, said apart, a learned-model judgement with no near-identical row in the batch).
    starred = set().union(*(f for _, f in cli))
    assert starred <= labelled
    assert labelled - starred == set(unclustered_copy_paste(rv))
    assert all(f.source == "model" for rid in labelled - starred for f in rv.row_findings(rid) if f.code == "copy_paste")

    # The HTML report: the same number of clusters, rows and ✱ rows.
    html = render_html(rv)
    m = re.search(r"共 (\d+) 个聚类、(\d+) 行，按行数从多到少排列；✱ 为判为照搬套用的行（共 (\d+) 行）", html)
    assert m and [int(x) for x in m.groups()] == [int(x) for x in summary.groups()]
    # The XLSX report's cluster sheet: one line per member, ✱ where labelled.
    ws = load_workbook(io.BytesIO(render_xlsx(rv)))["照搬聚类"]
    header = [c.value for c in ws[1]]
    sheet: dict[int, tuple[set, set]] = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        r = dict(zip(header, row))
        members, flagged = sheet.setdefault(r["聚类"], (set(), set()))
        members.add(r["行编号"])
        if r["判为照搬套用"] == "✱":
            flagged.add(r["行编号"])
    assert [sheet[k] for k in sorted(sheet)] == cli
