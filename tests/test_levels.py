"""Level names of other provinces' templates (issue 13): the checks see canonical names.
Every case is a level cell as published in a regional table of eval/regions (ids in comments)."""
import pytest

from classifier.levels import canonical_level1, is_benefit, is_cost, levels
from classifier.models import Indicator, Project
from classifier.rules import check_dimensions, check_row


@pytest.mark.parametrize("published, canonical", [
    ("产出指标(50分)", "产出指标"),      # RB03 (贵池区棠溪镇 2022 自评表)
    ("产 出 指 标", "产出指标"),          # RC01 (兵团六团 2021)
    ("产出指标(50)", "产出指标"),
    ("项目完成指标", "产出指标"),         # RF06 (大英县 2020 自评表)
    ("产出值", "产出指标"),
    ("实施效果指标", "效益指标"),         # RB02 (舒城县 以工代赈 2023)
    ("效益指标30分)", "效益指标"),
    ("满意度指标(10分)", "满意度指标"),
    ("成本指标(0-20)分", "成本指标"),     # RD10 (奉节县 2023)
])
def test_published_level1_names(published, canonical):
    assert canonical_level1(published) == canonical


def test_score_only_level1_is_inferred_from_level2():
    # RD09 (宣城市地震局 2023): the 一级 cell reads only "(50分)".
    assert levels("(50分)", "数量指标") == ("产出指标", "数量指标")
    assert levels("", "社会效益指标") == ("效益指标", "社会效益指标")


def test_first_level_cost_indicator_is_a_cost_row():
    # RB05 (湘西州特殊教育学校 2023): 成本指标 / 经济成本指标, the 财预〔2021〕101号 template.
    assert is_cost("成本指标", "经济成本指标") and is_cost("成本指标(0-20)分", "经济成本指标")
    assert not is_benefit("成本指标", "经济成本指标")
    ind = Indicator("RB05-01", "成本指标", "经济成本指标", "学生补助标准", "反映学生每天用餐标准", "17元/人.每天")
    p = Project("T001", "学生伙食费", budget=30.0, indicators=[ind])
    codes = {f.code for f in check_row(ind, p)}
    assert "unit_mismatch" not in codes  # money per person per day is a money unit for a cost row


def test_dimensions_of_a_scored_template_are_found():
    rows = [Indicator("a", "产出指标(50分)", "数量指标", "培训人数", "", "≥200人"),
            Indicator("b", "效益指标(30分)", "社会效益指标", "群众防震意识", "", "明显提高"),
            Indicator("c", "满意度指标(10分)", "服务对象满意度指标", "群众满意度", "", "≥90%")]
    assert check_dimensions(Project("T001", "x", indicators=rows)) == []
    rows2 = [Indicator("a", "项目完成指标", "数量指标", "培训人数", "", "≥200人"),
             Indicator("b", "实施效果指标", "社会效益指标", "群众防震意识", "", "明显提高")]
    f = check_dimensions(Project("T002", "y", indicators=rows2))
    assert len(f) == 1 and "满意度" in f[0].evidence and "产出" not in f[0].evidence and "效益指标、" not in f[0].evidence
