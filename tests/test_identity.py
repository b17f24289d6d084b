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


def test_rules_and_clusters_group_one_project_the_same_way():
    """The same-project exclusion lives in identity.ProjectGroups: the rules'
    exact repeats and the index clusters both skip the other year's table when
    counting and citing, and both cite another unit's copy."""
    from classifier.clusters import copy_paste_findings, find_clusters
    from classifier.identity import ProjectGroups
    from classifier.rules import check_exact_duplicates

    t001 = read_path(SEED).projects[0]
    next_year = _copy(t001, "T901", title=t001.title.replace("2022", "2023"))
    other = _copy(t001, "T902", title="2022年某区公共机构节能专项", unit="某区机关事务管理局")
    groups = ProjectGroups([t001, next_year, other, t001])
    assert [groups.elsewhere(i) for i in range(4)] == [1, 1, 3, 1]
    assert groups.other_projects(0, 5) == [2] and groups.other_projects(2, 2) == [0, 1]
    assert groups.related(0, 3) and not groups.related(0, 1) and groups.related(0, 2)

    for batch in ([t001, next_year], [t001, next_year, other]):
        by_rules = check_exact_duplicates(batch)
        by_index = copy_paste_findings(find_clusters(batch), batch)
        for f in by_rules + by_index:
            assert not any(r.startswith("T901/") for r in f.related if f.project_id == "T001"), f
            assert not any(r.startswith("T001/") for r in f.related if f.project_id == "T901"), f
        if other not in batch:  # the project alone in two years: nothing is another project's
            assert not [f for f in by_rules + by_index if f.project_id in ("T001", "T901")
                        and not (set(f.related) & {f"{f.project_id}/{i.id}" for i in (t001 if f.project_id == "T001" else next_year).indicators})]
        else:
            assert any(r.startswith("T902/") for f in by_rules + by_index if f.project_id == "T001" for r in f.related)
