"""A batch holding one project in two years (issue 13): its rows repeat because the project
continues, so the second year's table is not "another project" for copy_paste."""
import copy
from pathlib import Path

from classifier.identity import project_key, same_project
from classifier.ingest import read_path
from classifier.models import ReadResult
from classifier.pipeline import review

SEED = Path(__file__).resolve().parent.parent / "examples" / "tianjin_2022_project_targets.txt"


def _copy(p, pid, title=None, unit=None):
    q = copy.deepcopy(p)
    q.id, q.title = pid, title or q.title
    if unit is not None:
        q.unit = q.unit_name = unit
    for k, ind in enumerate(q.indicators, start=1):
        ind.id = f"{pid}-{k:02d}"
    return q


def _copy_paste_rows(projects, pid):
    rv = review(ReadResult(projects=projects), use_model=False)
    return {ind.id for p in rv.projects if p.id == pid for ind in p.indicators if "copy_paste" in rv.labels(ind.id)}


def test_same_project_in_two_years_is_not_copy_paste_of_itself():
    seed = read_path(SEED).projects
    t001 = seed[0]
    assert "2022" in t001.title
    alone = _copy_paste_rows([t001], t001.id)
    next_year = _copy(t001, "T901", title=t001.title.replace("2022", "2023"))
    assert same_project(t001, next_year) and project_key(t001) == project_key(next_year)
    assert _copy_paste_rows([t001, next_year], t001.id) == alone
    # The same rows under another unit's project are pasted: the check still works.
    other = _copy(t001, "T902", title="2022年某区公共机构节能专项", unit="某区机关事务管理局")
    assert not same_project(t001, other)
    assert _copy_paste_rows([t001, other], t001.id) > alone
