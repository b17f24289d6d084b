"""The one value parser: operators (full and half width), numbers, units, dates, states."""
import pytest

from classifier.values import normalize, parse_value


@pytest.mark.parametrize("raw,op,num,unit,cls", [
    ("≥95%", "≥", 95, "%", "percent"),
    (">=95％", "≥", 95, "%", "percent"),
    ("＞90%", "＞", 90, "%", "percent"),
    ("<5%", "＜", 5, "%", "percent"),
    ("≤10万元", "≤", 10, "万元", "money"),
    ("不超过51万", "≤", 51, "万", "money"),
    ("不低于95%", "≥", 95, "%", "percent"),
    ("≥30家", "≥", 30, "家", "count"),
    ("8个", "", 8, "个", "count"),
    ("≥95百分比", "≥", 95, "百分比", "percent"),
    ("≤48小时", "≤", 48, "小时", "time"),
    ("＝100%", "＝", 100, "%", "percent"),
    ("≥2000元/人/月", "≥", 2000, "元/人/月", "money"),
])
def test_operator_number_unit(raw, op, num, unit, cls):
    pv = parse_value(raw)
    assert (pv.operator, pv.number, pv.unit, pv.unit_class) == (op, num, unit, cls)
    assert pv.measurable


@pytest.mark.parametrize("raw", ["2022年12月31日前", "11月底前完成", "2022年1月-12月", "2022年底前", "2022年下半年", "2022.01-2022.12"])
def test_dates_and_periods(raw):
    pv = parse_value(raw)
    assert pv.is_date and pv.measurable


@pytest.mark.parametrize("raw", ["效果明显", "显著提高", "良好", "较高", "基本保障", "持续提升", "确保完成", "全市党员干部群众"])
def test_vague_values_are_not_measurable(raw):
    assert not parse_value(raw).measurable


@pytest.mark.parametrize("raw", ["通过验收", "是", "不超预算", "每日完成", "按《档案管理规范》完成"])
def test_checkable_states(raw):
    assert parse_value(raw).is_state


def test_range_and_decimal():
    pv = parse_value("90%-95%")
    assert (pv.number, pv.number2, pv.unit_class) == (90, 95, "percent")
    pv = parse_value(">0.95反映参与人员情况")
    assert pv.number == 0.95 and pv.operator == "＞"


def test_normalize_is_for_comparison_only():
    assert normalize("项目 成本。") == normalize("项目成本")
    assert normalize("ＡＢ１") == "ab1"
    raw = "≥95％"
    assert parse_value(raw).raw == raw  # the original keeps its full-width symbol
