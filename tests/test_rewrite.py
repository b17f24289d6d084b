"""Offline rewrites (issue 14): the typed composer on the seed's failure rows,
the meaning check on every rewrite, and numbers kept / proposals marked."""
import re

import pytest

from classifier.meaning import rewrite_text

from classifier.compose import PROPOSAL
from classifier.rate_terms import rate_parts
from classifier.kinds import kind_of
from classifier.meaning import meaning_check
from classifier.models import Rewrite
from classifier.pipeline import review
from classifier.rewrite import numbers_kept
from classifier.values import parse_value


@pytest.fixture(scope="module")
def seed_review(seed_read, shared_home):
    """One offline review of the seed with the composer alone (no library: the
    library would hand a seed row its own gold rewrite; tests/test_library.py
    covers library-first rewrites)."""
    with shared_home("rewrite-review-home"):
        return review(seed_read, library=False)


def _row(rv, rid):
    return next((p, ind) for p, ind in rv.rows() if ind.id == rid)


def test_every_flagged_row_gets_a_checked_rewrite(seed_review):
    rv = seed_review
    flagged = [ind for _, ind in rv.rows() if rv.labels(ind.id)]
    assert flagged and all(ind.id in rv.rewrites for ind in flagged)
    ok = sum(1 for ind in flagged if rv.rewrites[ind.id].status == "ok")
    print(f"offline rewrites passing the meaning check: {ok}/{len(flagged)} = {ok / len(flagged):.1%}")
    # Round 2 (issue 14): the check now also sends slogans with slogan values, formulas that only repeat the
    # name and deadlines for what is not a task to a human, so fewer pass — most of the seed's flagged rows
    # still get a rewrite that passes; the judged rounds (eval/judged/) say whether the ones that pass are right.
    assert ok / len(flagged) >= 0.6
    for ind in flagged:
        rw = rv.rewrites[ind.id]
        # needs_human exactly when there is a reason, and every reason is Chinese text a reviewer can read
        assert (rw.status == "needs_human") == bool(rw.reasons), ind.id
        assert all(re.search(r"[\u4e00-\u9fff]", r) for r in rw.reasons)
        # whatever the rules still find is among the reasons
        assert len(rw.remaining) <= sum(1 for r in rw.reasons if r.startswith("规则仍判为"))


def test_numbers_kept_or_sent_to_a_human_and_added_ones_marked(seed_review):
    rv = seed_review
    kept = total = 0
    for p, ind in rv.rows():
        rw = rv.rewrites.get(ind.id)
        if not rw:
            continue
        total += 1
        # The rationale counts: it is part of every rewrite (LABELS.md), and round 11's notes to the reviewer live there.
        ok = numbers_kept(" ".join((ind.level3, ind.description, ind.value)), rewrite_text(rw))
        kept += ok
        if not ok:
            assert rw.status == "needs_human" and any("丢失" in r for r in rw.reasons), (ind.id, rw.value)
        if parse_value(ind.value).number is None and parse_value(rw.value.replace(PROPOSAL, "")).number is not None \
                and not parse_value(rw.value).is_date:
            # A number the original did not have is a proposal, unless it is the project's own budget.
            assert PROPOSAL in rw.value or (p.budget is not None and f"{p.budget:g}" in rw.value), (ind.id, rw.value)
    print(f"rewrites keeping every number of the original row: {kept}/{total}")
    assert kept / total >= 0.97
    ok_rows = [rw for rw in rv.rewrites.values() if rw.status == "ok"]
    assert all("丢失" not in r for rw in ok_rows for r in rw.reasons)


def test_specific_rewrites(seed_review):
    cost = seed_review.rewrites["T001-05"]  # 项目成本 | 项目成本 | 不超预算, budget 240: the budget is the table's fact
    assert cost.value == "≤240万元" and cost.status == "ok"
    sat = seed_review.rewrites["T001-08"]
    assert sat.value == "≥90%" and "×100%" in sat.description


def test_overrun_ratio_under_cost_becomes_a_spending_cap(seed_review):
    """T004-04 实际成本超预算比率 | 预算内: not "≥95%" — a cap in money, the budget (a fact of the table)."""
    p, ind = _row(seed_review, "T004-04")
    rw = seed_review.rewrites["T004-04"]
    assert rw.level2 == "成本指标" and rw.kind == "money"
    assert rw.value == f"≤{p.budget:g}万元" and "%" not in rw.value
    assert rw.status == "ok"


def test_timeliness_rate_keeps_its_standard_in_the_numerator(seed_review):
    """T004-03 设备维护及时率 | ≤48小时: a rate (%, proposal), the 48 hours kept as the standard of the numerator."""
    rw = seed_review.rewrites["T004-03"]
    assert rw.kind == "rate" and rw.value.endswith(PROPOSAL) and "%" in rw.value
    formula = rw.description.split("计算公式：")[1].split("，")[0]
    numerator, denominator = formula.split("×100%")[0].split("/")
    assert "48小时" in numerator and not re.search(r"及时|按时|合格|合规", denominator)
    assert rw.status == "ok"


def test_response_time_stays_a_duration(seed_read, tmp_path, monkeypatch):
    """T002-01 故障响应时效 | 1天响应 and T100-09 服务人员响应时效 | 即时响应: durations, never a year-end deadline."""
    # Rewritten for the labels the gold gives these rows, whatever the labeller of the day flags.
    from classifier.models import Finding
    from classifier.rewrite import recheck, template_rewrite

    rows = {i.id: (p, i) for p in seed_read.projects for i in p.indicators}
    rewrites = {}
    for rid in ("T002-01", "T100-09"):
        p, ind = rows[rid]
        from classifier.rules import check_row

        fs = check_row(ind, p) + [Finding("vague_description", "suggest", "R4", "描述与名称相同", project_id=p.id, row_id=rid)]
        rewrites[rid] = recheck(template_rewrite(ind, p, fs), ind, p)

    class rv:  # the two rewrites, in the shape the assertions below read
        pass
    rv.rewrites = rewrites
    for rid in ("T002-01", "T100-09"):
        rw = rv.rewrites[rid]
        assert rw.kind == "duration", (rid, rw)
        assert rw.value.startswith("≤") and not parse_value(rw.value).is_date
        assert not re.search(r"验收|全部完成|12月31日", rw.description + rw.value)
    assert rv.rewrites["T002-01"].value == "≤1天"
    assert rv.rewrites["T100-09"].value.endswith(PROPOSAL)


def test_service_period_goes_into_the_description(seed_review):
    """T016-06 运行维护响应时间 | 7×24小时: a response time to set, the 7×24 hours kept as the service period."""
    rw = seed_review.rewrites["T016-06"]
    assert rw.kind == "duration" and rw.value.endswith(PROPOSAL) and "7×24小时" in rw.description


def test_no_undefined_grades_or_invented_acceptance(seed_review):
    for p, ind in seed_review.rows():
        rw = seed_review.rewrites.get(ind.id)
        if not rw:
            continue
        assert not re.search(r"好/较好/一般|五级评定|较好及以上", rw.description + rw.value), ind.id
        if "验收" in rw.value + rw.description:
            assert "验收" in ind.level3 + ind.description + ind.value, ind.id


def test_numbers_with_units_keep_value_and_gain_direction(seed_review):
    """T093-02 3225.35平米 is a count (not a date), kept with a direction."""
    rw = seed_review.rewrites["T093-02"]
    assert rw.value == "≥3225.35平米" and rw.kind == "count"


def test_rate_template_is_grammatical():
    assert rate_parts("卫星定位设备合格率") == ("合格的卫星定位设备数", "卫星定位设备总数")
    num, den = rate_parts("资金使用合规率")
    assert "合规" in num and "合规" not in den
    assert rate_parts("招录、培养管理等工作人数达标率")[0] == "达标的招录、培养管理等工作人数"


# ---- the meaning check catches what the old templates did -------------------

def _rw(ind, **kw):
    d = {k: getattr(ind, k) for k in ("level1", "level2", "level3", "description", "value")} | {"rationale": "测试"}
    return Rewrite(**(d | kw))


@pytest.fixture(scope="module")
def rules_review(seed_read, shared_home):
    """The seed by the rules alone (no library, index or model): the rows the meaning checks read."""
    with shared_home("rules-review-home"):
        return review(seed_read, library=False, use_index=False, use_model=False)


def test_meaning_check_rejects_a_response_time_turned_deadline(rules_review):
    p, ind = _row(rules_review, "T002-01")
    bad = _rw(ind, description="消防安防设备维修各项任务全部完成的日期，以项目进度记录为准", value="2022年12月31日前（建议值）")
    out = meaning_check(bad, ind, p, {"vague_description"})
    assert out.status == "needs_human"
    assert any("时长" in r for r in out.reasons) and any("丢失" in r and "1" in r for r in out.reasons)


def test_meaning_check_rejects_a_minimum_standard_turned_cap(rules_review):
    rv = rules_review
    p, ind = next((p, i) for p, i in rv.rows() if re.search(r"补助|补贴", i.level3) and i.value.strip().startswith("≥")
                  and "元" in i.value)
    flipped = _rw(ind, description="按人月计的补贴发放标准，数据来源为发放台账", value=ind.value.replace("≥", "≤", 1))
    out = meaning_check(flipped, ind, p, {"vague_description"})
    assert out.status == "needs_human" and any("≥" in r or "越高越好" in r for r in out.reasons), out.reasons


def test_a_formulas_times_100_percent_does_not_keep_a_published_100_percent(seed_review):
    """A rate's "×100%" is arithmetic: a rewrite whose formula says it but whose
    value replaced the published 100% lost that number (a model might write it)."""
    rv = seed_review
    p, ind, rw = next((p, i, rv.rewrites[i.id]) for p, i in rv.rows() if i.id in rv.rewrites
                      and re.fullmatch(r"\D*100%", i.value.strip()) and "×100%" in rv.rewrites[i.id].description
                      and not re.search(r"100(?!%)|100%(?!$)", (i.level3 or "") + (i.description or "")))
    original = " ".join((ind.level3, ind.description, ind.value))
    assert numbers_kept(original, " ".join((rw.level3, rw.description, rw.value)))
    lowered = _rw(ind, level1=rw.level1, level2=rw.level2, level3=rw.level3, description=rw.description, value="≥95%（建议值）")
    assert not numbers_kept(original, " ".join((lowered.level3, lowered.description, lowered.value)))
    out = meaning_check(lowered, ind, p, set(rv.labels(ind.id)))
    assert out.status == "needs_human" and any("丢失" in r and "100" in r for r in out.reasons), out.reasons


def test_meaning_check_rejects_residue_and_glued_title(rules_review):
    rv = rules_review
    p, ind = _row(rv, "T001-01")
    residue = _rw(ind, level3="★" + ind.level3 + "(≥**%)", description="指标1:签订合同数量，以合同为准")
    assert any("残留" in r for r in meaning_check(residue, ind, p, set()).reasons)
    glued = _rw(ind, description=f"{p.title}{ind.level3}的实际完成数，以合同为准")
    assert any("粘连" in r for r in meaning_check(glued, ind, p, set()).reasons)


def test_kinds_of_seed_rows(seed_read):
    rows = {ind.id: ind for p in seed_read.projects for ind in p.indicators}
    assert kind_of(rows["T002-01"]) == "duration"
    assert kind_of(rows["T004-03"]) == "rate"
    assert kind_of(rows["T001-08"]) == "satisfaction"
    assert kind_of(rows["T001-05"]) == "money"
    assert kind_of(rows["T001-04"]) == "deadline"
    assert kind_of(rows["T001-01"]) == "count"


def test_category_fix_keeps_the_rate_and_its_percentage(seed_review):
    """T007-02 资金使用合规率 100% under 质量 (wrong_category). Round 1 replaced it by "项目实际支出≤98万元（建议值）"
    with "（原表填报“100%”）" in the description; both judges called that wrong (meaning_changed, drops_number,
    eval/judged/round1.jsonl T009-02…T011-02): the rate and its 100% stay, the level is for the reviewer. Moved to 成本
    in % it was judged wrong again (round 11: "成本指标仍为百分比"); round 12 (r12c) proposes the row's deletion, naming
    the table's money row and quoting the 100% — never a budget cap in its place."""
    p, ind = _row(seed_review, "T007-02")
    rw = seed_review.rewrites["T007-02"]
    assert rw.level3 == "资金使用合规率" and "万元" not in rw.value and "原表填报" not in rw.description
    assert rw.value == "建议删除本行" and "“100%”" in rw.description and "本表成本指标已有“" in rw.description


def test_minimum_standard_stays_a_minimum(seed_review):
    """T023-02 食宿补贴标准 ≥2000元/人/月: the rule calls the ≥ implausible; the rewrite never flips a subsidy standard
    into a cap. Round 12 (r12c): a standard under 成本 is "＝" (T032-02's judges: "没有改为“＝”或“≤”"); only a name that
    says it is a floor (最低…标准) keeps "≥"."""
    rw = seed_review.rewrites["T023-02"]
    assert rw.value == "＝2000元/人/月" and "≤" not in rw.value
    from classifier.compose import LOWEST_NAME
    assert LOWEST_NAME.search("最低生活保障标准") and not LOWEST_NAME.search("食宿补贴标准")


def test_residue_and_glued_titles_are_cleaned_from_a_built_workbook(tmp_path):
    import openpyxl

    from classifier.ingest import read_path

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "单位名称", "预算数（万元）", "一级指标", "二级指标", "三级指标", "指标解释", "指标值"])
    title = "2023年社区养老服务补助资金"
    rows = [("产出指标", "数量指标", "★指标1:培训人次", "培训人次", "25人次"),
            ("产出指标", "质量指标", "服务合格率(≥**%)", "服务合格率", "≥95%"),
            ("产出指标", "数量指标", f"{title}受益老人人数", f"{title}受益老人人数", "300人")]
    for k, (l1, l2, l3, desc, value) in enumerate(rows):
        ws.append([title if k == 0 else None, "某区民政局" if k == 0 else None, 50 if k == 0 else None, l1, l2, l3, desc, value])
    path = tmp_path / "养老.xlsx"
    wb.save(path)
    rv = review(read_path(path), library=False, use_index=False)
    names = {ind.level3: rv.rewrites[ind.id] for _, ind in rv.rows() if ind.id in rv.rewrites}
    assert len(names) == 3
    for rw in names.values():
        assert not re.search(r"★|\*|指标1", rw.level3 + rw.description), rw
        assert not rw.level3.startswith(title)
    assert names["★指标1:培训人次"].level3 == "培训人次" and names["★指标1:培训人次"].value == "≥25人次"
    assert names[f"{title}受益老人人数"].value == "≥300人"
