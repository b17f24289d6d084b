"""Issue 14, round 7 (bucket 2): benefit slogans the topic lexicon does not cover.

Round 5's judges (eval/judged/round5.jsonl, round5_blind.jsonl) called these still vague: "显著改善",
"效果明显", "有所提升" returned as published under 社会/生态效益 and 可持续影响, verb-phrase slogans wrapped in
"符合“X”要求的考核事项数", and an output's quality (环境卫生检查达标率, 建成设施正常使用率) proposed under 效益
(wrong level). classifier/slogan.py turns them into the share of the beneficiaries the slogan or the project
title names who say the slogan's change happened — and into nothing where it would be wrong (rows that are
not indicators, slogans that name no change or no one, quantities).

Each test runs the offline review (composer alone) on the real row a judgement names — regional rows from
eval/regions/<id>.jsonl, seed rows from eval/labelled.jsonl — or on a table built from them here, and
asserts behaviour, never a whole rewritten text."""

import json
import re
from pathlib import Path

import pytest

from classifier.compose import PROPOSAL
from classifier.kinds import kind_of
from classifier.meaning import meaning_check
from classifier.models import Indicator, Rewrite
from classifier.slogan import slogan_proposal
from classifier.values import parse_value
from helpers import judged_rewrite, numbers_kept_by

ROUND5 = ("eval/judged/round5.jsonl", "eval/judged/round5_blind.jsonl")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("INDICATOR_QA_HOME", str(tmp_path_factory.getbasetemp() / "home_round7b"))


def rewrite(judged_id: str):
    return judged_rewrite(judged_id, *ROUND5, round_name="round 5")


def _survey(rw) -> bool:
    return "认为" in rw.level3 and rw.level3.endswith("的比例") and "抽样问卷调查" in rw.description \
        and re.search(r"计算公式：认为[^/]+的受访[^/]+(人数|户数|家数)/受访[^×]+×100%", rw.description) is not None


# ---- the slogans judged still vague, now a survey of the named beneficiaries -------------------

# (judged id, who the slogan or the title names as asked)
SLOGANS = [
    ("RB01:RB01-06", "群众"),          # 改善安置小区群众生活质量… | 显著改善 (社会效益)
    ("RB01:RB01-08", "群众"),          # 持续提供人力物力保障,解决居民群众生产生活问题 | 持续保障 (可持续影响)
    ("RB03:RB03-08", "村(社区)干部"),   # 提高村(社区)干部工作积极性的影响程度 | 效果明显 (效益指标(30分))
    ("RB05:RB05-09", "残疾学生"),       # 残疾学生家庭负担率 | 有所减轻: "符合“残疾学生家庭负担”要求的考核事项数" before
    ("RB05:RB05-10", "残疾学生"),       # 残疾学生生活质量 | 有所提升
    ("RD03:RD03-06", "师生"),          # 建设平安校园,满足教师和学生生活、学习的需要 | ≥95% (考核事项 before)
    ("labelled:T037-05", "离退休干部"),  # 提升离退休老干部生活幸福感 (blind round 5)
]


@pytest.mark.parametrize("jid,who", SLOGANS)
def test_a_benefit_slogan_becomes_the_share_of_its_beneficiaries_who_say_it_happened(jid, who):
    p, ind, rw = rewrite(jid)
    assert _survey(rw), (rw.level3, rw.description)
    assert who in rw.level3 and who in rw.description  # the beneficiaries are named…
    assert "受益对象" not in rw.level3 + rw.description  # …never the undefined "受益对象" (round 5: minor)
    assert "考核事项" not in rw.description and "“" not in rw.level3  # no formula residue, no quoted slogan (round 3)
    assert (rw.level1, rw.level2) == (ind.level1, ind.level2)  # 效益 stays 效益, suffixes like "(30分)" kept
    assert kind_of(Indicator(ind.id, rw.level1, rw.level2, rw.level3, rw.description, rw.value.replace(PROPOSAL, ""))) == "rate"
    assert numbers_kept_by(ind, rw)
    assert rw.remaining == [] and rw.status == "ok", rw.reasons


def test_the_change_is_the_slogans_own_words():
    """改善安置小区群众生活质量 → "…认为安置小区生活质量得到改善…": the object and the verb of the slogan, the asked
    group taken out of the object; 负担 减轻 (not 提高: a burden goes down)."""
    _, _, rw = rewrite("RB01:RB01-06")
    assert "安置小区生活质量得到改善" in rw.level3
    _, _, rw = rewrite("RB05:RB05-09")
    assert "家庭负担得到减轻" in rw.level3
    _, _, rw = rewrite("RB03:RB03-08")
    assert "工作积极性得到提高" in rw.level3


def test_a_published_percentage_is_the_target_and_anything_else_a_proposal():
    """RD03-06 gave ≥95%: kept as published, no （建议值）; RB01-06 gave 显著改善: ≥80%（建议值）."""
    p, ind, rw = rewrite("RD03:RD03-06")
    assert parse_value(rw.value).number == 95 and rw.value.startswith("≥") and PROPOSAL not in rw.value
    p, ind, rw = rewrite("RB01:RB01-06")
    assert PROPOSAL in rw.value and parse_value(rw.value.replace(PROPOSAL, "")).unit_class == "percent"
    assert "建议值" in rw.rationale


@pytest.mark.parametrize("jid", ["RB01:RB01-07", "RB02:RB02-02", "labelled:T066-05"])
def test_an_outputs_quality_under_an_effect_gives_way_to_the_beneficiaries(jid):
    """环境卫生检查达标率 (RB01-07 生态效益, T066-05 社会效益) and 建成设施正常使用率 (RB02-02 效益指标): judged an output
    under 效益. The slogan names who should be better off (居民 of the 小区, 村民 of 农村, the office's 干部职工)."""
    p, ind, rw = rewrite(jid)
    assert _survey(rw), (rw.level3, rw.description)
    assert not re.search(r"(检查达标率|完好率|正常使用率)$", rw.level3)
    assert (rw.level1, rw.level2) == (ind.level1, ind.level2)
    assert rw.status == "ok", rw.reasons


def test_rows_of_one_table_get_rewrites_of_their_own():
    """RB01-06/07/08 and RB05-09/10: each row its own change, so no two rewrites of a table are the same."""
    for table, ids in (("RB01", ("RB01-06", "RB01-07", "RB01-08")), ("RB05", ("RB05-09", "RB05-10"))):
        names = [rewrite(f"{table}:{i}")[2].level3 for i in ids]
        assert len(set(names)) == len(names), names


def test_the_same_slogan_twice_in_a_table_goes_to_a_human(tmp_path):
    """A table that repeats a slogan row (RB01-06 published twice) gets the survey once; the later row is sent to a
    human naming the earlier one (meaning.check_table), not the same indicator pasted twice."""
    from classifier.ingest import read_path
    from classifier.pipeline import review

    rows = [json.loads(line) for line in (ROOT / "eval/regions/RB01.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    copy = dict(next(r for r in rows if r["id"] == "RB01-06"), id="RB01-20")
    path = tmp_path / "RB01_twice.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows + [copy]), encoding="utf-8")
    rv = review(read_path(path), use_index=False, library=False)
    first, again = rv.rewrites["RB01-06"], rv.rewrites["RB01-20"]
    assert _survey(first) and first.status == "ok", first.reasons
    assert (again.level3, again.description) == (first.level3, first.description)
    assert again.status == "needs_human" and any("同表重复" in r for r in again.reasons), again.reasons


# ---- where a survey would be wrong: nothing, and the row stays with a human -------------------

@pytest.mark.parametrize("jid", [
    "RD12:RD12-11",  # 该指标不适用本项目 | 不涉及: no indicator
    "RD07:RD07-03",  # 促进社会和谐 (no levels, no value): promotes, names no change
    "RD07:RD07-05",  # 保障权益: a change, but no one named by the slogan or the title
    "RD08:RD08-05",  # 促进经济发展
    "RE12:RE12-05",  # 促进社会和谐稳定 | 好
    "RG03:RG03-05",  # 为全市经济发展保驾护航 | 正面支撑
    "RG03:RG03-06",  # 服务保障民生 | 有力保障
    "RG03:RG03-07",  # 为生态环境保护提供支撑 | 正面支撑
    "RF07:RF07-07",  # 为民众办好事,办实事 | 100%
    "RD01:RD01-02",  # 推动人民检察院业务装备建设的标准化规范化配置 | 长期
    "labelled:T027-05",  # 市委领导班子工作实绩及经济社会发展情况 | 反映换届成果
    "labelled:T073-06",  # 逐步提高作品登记网上办理数量: a quantity is counted, not asked about
])
def test_no_survey_where_it_would_be_wrong(jid):
    p, ind, rw = rewrite(jid)
    assert slogan_proposal(ind.level3, ind.value, p.title, ind.description) is None
    assert not _survey(rw), (rw.level3, rw.description)


@pytest.mark.parametrize("jid", ["RD10:RD10-01", "RA03:RA03-06"])
def test_a_name_that_is_a_number_gets_no_survey(jid):
    """RD10-01 "0" | 0.00% and RA03-06 "指标1安全率" | 100: a number, or a rate of nothing said, is no slogan."""
    p, ind, rw = rewrite(jid)
    assert slogan_proposal(ind.level3, ind.value, p.title, ind.description) is None
    assert not _survey(rw) and rw.status == "needs_human"


def test_a_survey_under_economic_benefit_still_goes_to_a_human():
    """RF07-05 改善了农民生产生活条件 | 100% under 经济效益: the farmers are asked, but an opinion is not an economic
    effect — the meaning check says so (round 5, RF01-07) and the row stays with a human, its 100% kept."""
    p, ind, rw = rewrite("RF07:RF07-05")
    assert _survey(rw) and "农民" in rw.level3 and rw.value == "100%"
    assert rw.status == "needs_human" and any("不反映经济效益" in r for r in rw.reasons), rw.reasons


# ---- the meaning check still catches what it should ----------------------------------------------

def _as(rw, **fields) -> Rewrite:
    f = {k: getattr(rw, k) for k in ("level1", "level2", "level3", "description", "value")} | fields
    return Rewrite(f["level1"], f["level2"], f["level3"], f["description"], f["value"], "", source="template")


def test_a_survey_of_no_one_goes_to_a_human():
    p, ind, rw = rewrite("RB01:RB01-06")
    vague = _as(rw, level3=rw.level3.replace("受益群众", "受益对象"), description=rw.description.replace("群众", "受益对象"))
    checked = meaning_check(vague, ind, p, {"unmeasurable_value"})
    assert checked.status == "needs_human" and any("受益对象" in r for r in checked.reasons), checked.reasons


def test_a_slogan_verb_counted_in_a_formula_is_still_caught():
    """The survey's "认为…得到改善的受访…" is what respondents are asked; a formula that counts the verb itself
    ("改善的生活质量数") is still a slogan in a formula."""
    p, ind, rw = rewrite("RB01:RB01-06")
    counted = _as(rw, description="计算公式：已改善的安置小区生活质量数/安置小区生活质量总数×100%，数据来源为业务台账")
    checked = meaning_check(counted, ind, p, {"unmeasurable_value"})
    assert checked.status == "needs_human" and any("口号" in r for r in checked.reasons), checked.reasons
    assert meaning_check(_as(rw), ind, p, {"unmeasurable_value"}).status == "ok"


def test_a_survey_that_drops_the_published_percentage_goes_to_a_human():
    """RD03-06 published ≥95%: a rewrite proposing ≥80%（建议值） in its place loses the row's number."""
    p, ind, rw = rewrite("RD03:RD03-06")
    dropped = _as(rw, value=f"≥80%{PROPOSAL}")
    checked = meaning_check(dropped, ind, p, {"unmeasurable_value", "unit_mismatch"})
    assert checked.status == "needs_human" and any("丢失了原表的数字" in r for r in checked.reasons), checked.reasons


def test_a_proposal_for_a_row_that_does_not_apply_goes_to_a_human():
    """RD12-11 该指标不适用本项目 | 不涉及: whatever indicator a writer (a model, the library) puts in its place, the row
    said it does not apply — deleting it or setting one is the reviewer's call, never `ok`."""
    p, ind, rw = rewrite("RD12:RD12-11")
    _, _, survey = rewrite("RB01:RB01-06")
    proposed = _as(survey, level1=ind.level1, level2="社会效益指标")
    checked = meaning_check(proposed, ind, p, {"unmeasurable_value"})
    assert checked.status == "needs_human" and any("不适用本项目" in r for r in checked.reasons), checked.reasons
