"""The seed's text export: counts, carried-down levels, merged cells, budgets."""
from collections import Counter

from classifier.ingest import read_bytes, read_path


def test_seed_counts(seed_read):
    assert len(seed_read.projects) == 100
    assert len({p.unit for p in seed_read.projects}) == 19
    assert sum(len(p.indicators) for p in seed_read.projects) == 743
    assert seed_read.problems == []


def test_level1_carried_down_and_levels_are_categories(seed_read):
    level1 = Counter(i.level1 for p in seed_read.projects for i in p.indicators)
    assert set(level1) == {"产出指标", "效益指标", "满意度指标"}
    t1 = seed_read.projects[0]
    assert [i.level1 for i in t1.indicators[:5]] == ["产出指标"] * 5  # only the first row prints it


def test_budget_goal_and_unit_parsed(seed_read):
    t1 = seed_read.projects[0]
    assert t1.title == "2022年天津市公共机构节能工作专项资金"
    assert t1.budget == 240.0 and t1.fiscal_funds == 240.0
    assert t1.unit_code == "340101" and t1.unit_name == "天津市机关事务管理局财务管理处"
    assert t1.goal.startswith("1.通过推动公共机构能源审计")
    assert all(p.budget is not None for p in seed_read.projects)


def test_cell_spanning_lines_is_merged(seed_read):
    # T002's 绩效目标 has a second line without a leading tab.
    assert "2.确保机关大院和大礼堂消防安防方面安全" in seed_read.projects[1].goal
    # A name broken over two lines inside one cell (表 T006).
    names = [i.level3 for i in seed_read.projects[5].indicators]
    assert "编制修订机关事务标准并\n推进试点建设" in names


def test_row_split_by_blank_lines_is_rejoined(seed_read):
    # 理论宣讲经费 (T058): the first row's description cell is an empty paragraph.
    p = next(p for p in seed_read.projects if p.title == "理论宣讲经费")
    first = p.indicators[0]
    assert (first.level3, first.description, first.value) == ("编印出版物数量", "编印出版物数量", "≥3000册")
    # 市委换届 (T027): an empty line inside the 时效 row.
    t27 = next(p for p in seed_read.projects if p.title.startswith("市委换届"))
    timely = next(i for i in t27.indicators if i.level2 == "时效指标")
    assert timely.value == "2022年6月"


def test_table_without_satisfaction_block_is_read_whole(seed_read):
    missing = [p for p in seed_read.projects if not any(i.level1 == "满意度指标" for i in p.indicators)]
    assert missing, "the seed has tables whose 满意度 block is missing"
    assert all(p.indicators for p in missing)


def test_ids_match_reference_rows(seed_read):
    import json
    from pathlib import Path

    ref = Path(__file__).resolve().parent.parent.parent / "shared" / "reference_labels.jsonl"
    if not ref.exists():
        ref = Path(__file__).resolve().parent.parent / "eval" / "labelled.jsonl"
    rows = {i.id: (p, i) for p in seed_read.projects for i in p.indicators}
    for line in ref.read_text(encoding="utf-8").splitlines()[:150]:
        x = json.loads(line)
        p, i = rows[x["id"]]
        assert (i.level1, i.level2, i.level3, i.description, i.value) == (x["level1"], x["level2"], x["level3"], x["description"], x["value"])
        assert p.title == x["project"] and p.unit == x["unit"]


def test_broken_table_reports_and_keeps_the_rest(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    # Remove the indicator header of the 2nd table: it can't be read, the other 99 still are.
    second = text.index("机关大院及大礼堂消防安防设备维修维护绩效目标表")
    head = text.index("\t一级指标", second)
    broken = text[:head] + text[head:].replace("\t一级指标\n\t二级指标\n\t三级指标", "\t甲\n\t乙\n\t丙", 1)
    r = read_bytes(broken.encode("utf-8"), "broken.txt")
    assert len(r.projects) == 100
    assert sum(len(p.indicators) for p in r.projects) == 743 - 8
    msg = [str(p) for p in r.problems]
    assert any("broken.txt" in m and "表2" in m and "表头" in m for m in msg)


def test_unreadable_inputs_are_messages(tmp_path):
    cases = {
        "empty.txt": b"",
        "garbage.docx": bytes(range(256)) * 10,
        "page.docx": b"<html><body>not a document</body></html>",
        "binary.csv": b"\x00\x01\x02\xff\xfe" * 100,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        r = read_path(path)
        assert r.projects == [], name
        assert r.problems and r.problems[0].fatal and name in str(r.problems[0]), name
