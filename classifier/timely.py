"""时效 rows that are not a deadline (issue 14, round 12, r12b).

The composer's deadline template "X全部完成的日期" reads only where X is a piece of work that ends. Round 11's judges
called it wrong wherever it was not:
- a slogan for a name, with a slogan for a value ("及时保障机关运转 | 及时保障机关运转", T014-04; "教育均衡化发展 | 有效",
  RE02-03: "均衡发展无所谓完成日"): no time of any work is named — the reviewer's answer is the row's deletion;
- a slogan or a document's spirit for a name with a real period for a value ("按照中宣部全民阅读工作文件精神 | 2022年1月-12月",
  T067-05): the period is the project's, so the row is the project's completion date;
- a continuing service ("服务接待周期 | 全年服务", T094-04): a service has a period, not a completion day;
- a bare number with no unit ("完成时限 | 1", RE03-03): neither a date nor a length we can read; it stays, and a human says
  whether it is 1年, 1个月 or a month.
Pure functions of the published row and its table; the composer calls them, the meaning check finds the markers."""
from __future__ import annotations

import re

from .levels import canonical_level2
from .values import nfkc as _nfkc, parse_value

# A name that says no work: a slogan, a document's spirit or a requirement, an effect ("…发展", "…运转").
_SLOGAN_NAME = re.compile(r"^(按照|根据|依据|遵照|贯彻|落实)|精神$|要求$|提升|提高|改善|促进|推动|保障|确保|保证|加强|优化|营造|维护|"
                          r"满足|助力|实现|均衡|发展$|运转$|运行$|水平$|效果$|效益$|成效$|意识$|氛围$")
# A continuing service all year ("全年服务", "常年开放", "全年无休"): a period, never a completion day.
_ALL_YEAR = re.compile(r"^(全年|常年|全天候|全年度)(服务|开放|运行|提供服务|接待|无休|值守)?$")
# A name whose work does end: a thing done once ("完成…", "…验收", "…发放"): the deadline template reads.
_WORK_ENDS = re.compile(r"完成|竣工|完工|验收|印发|发放|支付|拨付|提交|上报|召开|举办|开展|启动|制定|编制|出版|建成|交付|采购|招标|签订")

UNIT_UNREAD = "原表指标值是不带单位的数字"  # meaning.check_unit_said: never `ok`
ALL_YEAR_SAID = "是全年持续的服务"  # the rationale of a service period (service_period)


def _is_timeliness(level2: str, level1: str = "") -> bool:
    return canonical_level2(level2, level1) == "时效指标"


def says_no_work(name: str) -> bool:
    """"按照中宣部全民阅读工作文件精神", "教育均衡化发展", "及时保障机关运转": a name a deadline cannot be the date of."""
    n = (name or "").strip()
    return bool(_SLOGAN_NAME.search(n)) and not _WORK_ENDS.search(re.sub(r"^(按照|根据|依据)[^，,]*?(精神|要求)", "", n))


# The narrower kind a dated row may be named by and still date nothing of its own: a document's spirit or a requirement,
# an aim ("按照…文件精神", "提升…"). "系统运行 | 2023年1月-12月" or "保障时间" name something that runs; they are not these.
_NO_WORK_DATED = re.compile(r"^(按照|根据|依据|遵照|贯彻|落实)|精神$|要求$|提升|提高|改善|促进|推动|加强|优化|营造|助力|均衡")
_TIME_WORD_END = re.compile(r"(时间|日期|时限|期限|进度|节点|时效|周期)$")


def _dates_nothing(name: str) -> bool:
    n = (name or "").strip()
    return says_no_work(n) and bool(_NO_WORK_DATED.search(n)) and not _TIME_WORD_END.search(n)


def deadline_name(name: str, level2: str, value: str) -> str:
    """"项目完成时间" for a 时效 row named by a slogan whose value is a date or a period (T067-05): the date is the
    project's; "" otherwise."""
    if not _is_timeliness(level2) or not _dates_nothing(name):
        return ""
    pv = parse_value(value)
    return "项目完成时间" if pv.is_date and not _ALL_YEAR.match(_nfkc(value).strip().rstrip("。.")) else ""


def service_period(name: str, value: str, level2: str, year: str, value_flagged: bool = True) -> dict | None:
    """"服务接待周期 | 全年服务": the service's period, the table's year. A value nobody flagged is kept as published
    (issue 14), the description then saying which year's period it is."""
    v = _nfkc(value).strip().rstrip("。.")
    if not _is_timeliness(level2) or not _ALL_YEAR.match(v):
        return None
    what = re.sub(r"(周期|时间|时段|时限|期限|期间|及时性)$", "", (name or "").strip())
    if not re.search(r"服务|接待|开放|值守|咨询|热线", f"{what}{v}"):
        return None  # a name that says no service ("", "绿化养护"): what runs all year is for the composer's template
    return {"level3": f"{what}时段" if not name.endswith(("时段", "期间")) else name, "kind": "deadline",
            "value": f"{year}年全年" if value_flagged and year else value.strip(),  # no year in the table: none is made up
            "description": f"{year + '年度' if year else '本年度'}全年提供{what}的时段（原表指标值为“{value.strip()}”），以{what}记录为准",
            "note": f"“{name}”{ALL_YEAR_SAID}，没有一次完成的日期，按原表“{value.strip()}”写为全年的服务时段"}


def no_work_deletion(name: str, value: str, level2: str, sibling: str | None) -> dict | None:
    """A 时效 row whose name and value are slogans ("及时保障机关运转 | 及时保障机关运转", "教育均衡化发展 | 有效"): no date
    or period of any work is said. The reviewer's answer is to delete it (round 10–11: a date pinned on a slogan was judged
    wrong, a reasoned deletion accepted); a sibling 时效 row that has a date is named, else the unit is asked for one."""
    pv = parse_value(value)
    if not _is_timeliness(level2) or not says_no_work(name) or pv.measurable and not (pv.is_date and sibling and _dates_nothing(name)):
        return None
    from .themes import deletion, deletion_row

    why = "不是某项工作的完成时间或期限，说不出按什么时间考核"
    if pv.is_date:
        # "按照…文件精神 | 2022年1月-12月" beside "完成时限 | 2022年底前" (T067-05/04): the period is only the project's, which
        # the sibling already dates — a second "项目完成时间" would repeat it
        why = "不是某项工作，所填时段只是项目实施期"
    if sibling:
        return deletion(name, (value or "").strip(), level2, sibling, why)
    said = f"“{name}”" + (f"（原表指标值“{value.strip()}”）" if (value or "").strip() and value.strip() != name.strip() else "")
    return deletion_row(name, f"{said}{why}；如需保留时效维度，由单位补充本项目某项工作的完成时间（如“××年××月××日前完成××”）",
                        "本行不是可考核的时效指标，建议删除，需审核人确认")


def bare_time_limit(value: str, level2: str, name: str) -> dict | None:
    """"完成时限 | 1": a number without unit under 时效 — kept as published, never turned into a date; the description
    says what is missing (a number of years or months, or a month) and a human decides."""
    v = _nfkc(value).strip()
    if not _is_timeliness(level2) or not re.fullmatch(r"[≤<＜]?\s*\d{1,3}(\.\d+)?", v) \
            or not re.search(r"(时限|期限|时间|周期|日期)$", (name or "").strip()):
        return None  # "项目完成及时率 | 100" is a rate without its "%": the rate's template
    if re.search(r"[（(]\s*(年|月|个月|天|日|工作日|小时)\s*[)）]\s*$", name or ""):
        return None  # "任务完成时限(月) | 10": the name gives the unit
    m = re.search(r"(完成)?(时限|期限|时间|周期|日期)$", (name or "").strip())
    what = re.sub(r"(的|之)$", "", name.strip()[: m.start()]) or "项目各项工作"
    return {"level3": name, "kind": "deadline", "value": value.strip(),
            "description": f"{what}的{m.group(0)}；{UNIT_UNREAD}“{value.strip()}”，不能确定是年数、月数还是月份，"
                           f"需按项目实施方案核定为期限（如“≤{v.lstrip('≤<＜ ')}年”）或完成日期",
            "note": f"{UNIT_UNREAD}，不能确定期限或日期，保留原数，需审核人确认单位"}
