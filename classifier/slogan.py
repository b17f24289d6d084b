"""Benefit slogans no outcome of the lexicon covers, made measurable (issue 14, round 7).

Round 5's judges called ~40 rows of 效益/可持续影响 still vague: the composer returned "显著改善",
"效果明显", "有所提升" as published, or wrapped a verb-phrase slogan in "符合“X”要求的考核事项数"
(classifier/propose.py's lexicon had no topic for them). What the slogan does say is who should be
better off and in what: "改善安置小区群众生活质量" — 群众, 安置小区生活质量, 改善. That is measured
by asking them: the share of sampled beneficiaries who say that very thing changed,

    受益群众认为安置小区生活质量得到改善的比例 | 计算公式：认为安置小区生活质量得到改善的受访群众人数/
    受访群众总人数×100%，数据来源为抽样问卷调查 | ≥80%（建议值）

Round 3's survey ("受益对象对“X”的认可度") was judged a satisfaction measure outside 满意度 (kind_changed):
it asked an undefined "受益对象" to approve the slogan, quoted whole. This one is narrower, and a row it
does not fit is left to a human (None):
- the beneficiaries are named, by the slogan or the project title (居民, 学生, 村(社区)干部…), never
  "受益对象";
- what changed is one noun phrase of the slogan's own words with one change verb (改善, 提高, 减轻,
  满足, 保护…), not the whole sentence; slogans that only "promote", "build" or "support" something
  (促进经济发展, 打造品牌赛事, 为…提供支撑) name nothing a respondent can tell, and get nothing;
- rows that are not indicators (不适用/不涉及, a number, a level's name) get nothing;
- a percentage the row gave is the target; otherwise ≥80%（建议值）.

Pure functions of published text. The composer (classifier/compose.py) calls `slogan_proposal` where its
topic lexicon gives up; the meaning check (classifier/meaning.py) still checks what comes out."""
from __future__ import annotations

import re

PROPOSAL = "（建议值）"

# Outputs' quality the topic lexicon may propose for a benefit slogan; under 效益 they are the wrong level
# (round 5: RB01-07, RB02-02, RB04-14, T066-05, T092-06). The meaning check uses the same pattern.
OUTPUT_QUALITY = re.compile(r"(检查达标率|设备完好率|可用率|正常使用率|正常运行率)$")

# (words of the slogan or the title, who is asked, the noun they are counted by). First match wins: the more
# specific group first ("残疾学生" before "学生", "村(社区)干部" before "干部").
_GROUPS: tuple[tuple[str, str], ...] = (
    (r"离退休(老)?干部|老干部", "离退休干部"),
    (r"残疾学生", "残疾学生家长"),
    (r"村[(（]社区[)）]干部|村干部|社区干部|村(两委|“两委”)干部", "村(社区)干部"),
    (r"党支部书记", "党支部书记"),
    (r"师生|教师和学生|教师、学生|教职工和学生", "师生"),
    (r"学生", "学生"),
    (r"教师", "教师"),
    (r"老年人|老人", "老年人"),
    (r"残疾人", "残疾人"),
    (r"脱贫户|脱贫人口", "脱贫户"),
    (r"农户|种植户|养殖户", "农户"),
    (r"农民", "农民"),
    (r"村民", "村民"),
    (r"居民群众", "群众"),
    (r"居民", "居民"),
    (r"群众|民众|老百姓", "群众"),
    (r"农村", "村民"),
    (r"权利人|著作权人", "权利人"),
    (r"干部职工|机关职工|职工|工作人员", "干部职工"),
    (r"参训|学员", "参训学员"),
    (r"游客", "游客"),
    (r"患者|病人", "患者"),
    (r"企业", "企业"),
)
# Who is asked, as the formula counts them: persons are 人数, firms 家数, families 户数.
_COUNTED_BY = {"企业": "家数", "农户": "户数", "脱贫户": "户数"}
# Groups read as beneficiaries of the project: "受益群众", but not "受益干部职工" (they are the unit's own staff).
_BENEFICIARY = {"师生", "群众", "居民", "村民", "农民", "农户", "学生", "老年人", "残疾人", "脱贫户", "企业", "游客", "患者"}

# A change a respondent can tell, as "…得到X" (the verb's own word is kept: 提升 stays 提升).
_CHANGE = r"改善|优化|提高|提升|增强|减轻|降低|满足|保护|保障|解决|激发|丰富|便利"
_CHANGE_ZH = {"优化": "改善", "降低": "减轻"}
# Slogans that promote, build or serve something: nothing a respondent can tell (None).
_NO_CHANGE = re.compile(r"^(提供|开展|做好|完成|组织|落实|实施|加大|促进|推动|助力|打造|建设|建立|服务|为|推进|实现|带动|引领|加快|深化|发挥|体现|反映|营造|形成|确保|保证)")
# Objects too large for any group to judge: the economy, a sector, a city.
_TOO_BROAD = re.compile(r"经济|社会(和谐|稳定|发展)|事业|产业|城市|全市|全县|全省|全区|生态|科学化|规范化|标准化|知名度|美誉度|影响力")
# What changed, when the slogan names no one: an office's environment is its staff's, a campus its pupils' and
# teachers', a housing estate its residents'.
_IMPLIED = ((r"办公|工作环境|工作条件", "干部职工"), (r"校园|教学|办学", "师生"), (r"小区|居住", "居民"))
# A quantity is counted, not asked about: "认为作品登记网上办理数量得到提高" is no measure (T073-06).
_COUNTABLE = re.compile(r"(数量|数|率|比例|人次|面积|金额|次数|天数)$")
NOT_AN_INDICATOR = re.compile(r"不适用|不涉及|无此项|^无$|^/$|^[-—－]+$")
_CLAUSE = re.compile(r"[，,。；;！!]")
_FILLER = re.compile(r"^(进一步|持续|不断|切实|有效|全面|逐步|大力|明显|显著|有力|努力|积极)+")
_VALUE_CHANGE = re.compile(rf"(得到|有所|显著|明显|持续|不断|逐步|进一步|大幅)?({_CHANGE})")
_PCT = re.compile(r"([≥≤>=＞＜＝]*|大于等于|不低于|不少于)\s*(\d+(?:\.\d+)?)\s*([%％]|百分比)")


def _group(text: str) -> tuple[str, str] | None:
    """(the words that named them, who is asked) — the first group the text names."""
    for words, who in _GROUPS:
        m = re.search(words, text or "")
        if m:
            return m.group(0), who
    return None


def _change(name: str, value: str) -> tuple[str, str] | None:
    """(what changed, the change) from the slogan's first clause that has one: "改善安置小区群众生活质量" →
    ("安置小区群众生活质量", "改善"); "权利人的权益得到保护" → ("权利人的权益", "保护"); a noun phrase
    ("残疾学生生活质量") takes the change its value says ("有所提升")."""
    text = re.sub(r"^[\s　]*(指标\d*[:：])?", "", name or "")
    text = re.sub(r"的?影响(程度)?$|情况$", "", text.strip(" 。.；;，,"))
    for clause in (c.strip() for c in _CLAUSE.split(text)):
        clause = _FILLER.sub("", clause)
        if not clause or _NO_CHANGE.match(clause):
            continue
        m = re.match(rf"({_CHANGE})(了)?(.{{2,16}})$", clause)
        if m:
            return m.group(3), m.group(1)
        m = re.match(rf"(.{{2,16}}?)(得到|有所|明显|显著|不断|持续)?({_CHANGE})$", clause)
        if m and len(m.group(1)) >= 2:
            return m.group(1), m.group(3)
        if re.search(_CHANGE, clause) or len(clause) > 12:
            return None  # the verb sits inside a longer sentence: its object is for a human to pick
        v = _VALUE_CHANGE.search(value or "")
        if v and not re.search(r"\d", value or ""):
            return clause, v.group(2)
        return None
    return None


def slogan_proposal(name: str, value: str, project_title: str = "", description: str = "") -> dict | None:
    """The share of sampled beneficiaries who say what the slogan promised happened, as (level3,
    description, value, kind, note); None when the row is no indicator, names no change a respondent can
    tell, or no beneficiary can be named."""
    name, value = (name or "").strip(), (value or "").strip()
    if not re.search(r"[\u4e00-\u9fff]{2}", name) or NOT_AN_INDICATOR.search(name) or NOT_AN_INDICATOR.search(value):
        return None
    if re.search(r"满意|认可|好评", name):
        return None  # an opinion already: that is a 满意度 row, not ours to turn into another survey
    found = _change(re.sub(r"(?<=.{2})(率|比率|比例)$", "", name), value)
    if found is None:
        return None
    obj, verb = found
    obj = obj.strip("的之")
    if _TOO_BROAD.search(obj) or len(obj) < 2:
        return None
    if _COUNTABLE.search(obj) or _NO_CHANGE.match(obj):
        return None
    implied = next(((w, who) for w, who in _IMPLIED if re.search(w, obj)), None)
    group = _group(obj) or _group(name) or implied and ("", implied[1]) or _group(description) or _group(project_title)
    if group is None:
        return None  # "受益对象" is no one a reviewer can find (round 5, RD07-04)
    words, who = group
    # The group is who is asked, not part of what changed: "安置小区群众生活质量" → "安置小区生活质量".
    if words and words != "农村" and words in obj and obj.replace(words, "", 1).strip("的之"):
        obj = obj.replace(words, "", 1).replace("的的", "的")
        obj = re.sub(r"^的|(?<=[^的])的$", "", obj)
    if len(obj) < 2 or _TOO_BROAD.search(obj):
        return None
    verb = _CHANGE_ZH.get(verb, verb)
    shown = f"受益{who}" if who in _BENEFICIARY else who
    counted = _COUNTED_BY.get(who, "人数")
    total = "总" + counted
    said = f"认为{obj}得到{verb}"
    pct = _PCT.search(value)
    if pct:
        n = float(pct.group(2))
        op = {"大于等于": "≥", "不低于": "≥", "不少于": "≥", ">=": "≥", "=": "", "＝": ""}.get(pct.group(1), pct.group(1)) or "≥"
        target = "100%" if n >= 100 else f"{op}{pct.group(2)}%"
        note = "保留原表的目标值"
    else:
        target, note = f"≥80%{PROPOSAL}", "目标为建议值，需审核人确认"
    return {"level3": f"{shown}{said}的比例",
            "description": (f"对{shown}开展随机抽样问卷调查，计算公式：{said}的受访{who}{counted}/受访{who}{total}×100%，"
                            "数据来源为抽样问卷调查"),
            "value": target, "kind": "rate",
            "note": f"原指标“{name}”不可衡量，改为{shown}中认为{obj}得到{verb}的比例（抽样问卷），{note}"}
