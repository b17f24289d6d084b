"""Values, units and counts a reviewer would sign (issue 14, round 12, r12b).

Round 11's judges called these rewrites wrong, by class:
- a unit cut out of the value with the words after it: "37个基层医疗机构" → "≥37个基层医", "市区重点位置及16个区广泛宣传。"
  → "≥16个区广泛" (RG04-03, T050-11). A value's unit is a measure word (个、人、次、场…); the object it counts
  ("基层医疗机构") belongs in the name, and a value that is a sentence keeps what it says in the description;
- a unit guessed from a word of the name: "配套烘干杀菌设备…购置及安装 | 550" → "≥550套" (the 套 of 配套, RD06-02);
  a bare number's unit is the name's own ("面积(万亩)", "…人数") or nobody's — it is then said to be unknown;
- a money name with a count for a value: "安置小区物业费 | 8个" → "物业费的数量" (RB01-01): what is counted is the 小区;
- a level or a grade under 数量: "修缮级别 | 市级保护单位" → "修缮级别的数量" (RG01-03): an attribute, not a count;
- a count with no number ("上一轮退耕还林补助面积(万亩) | （空）", RC02-01..05): the target is the task the unit is given.
Pure functions of the published row; the composer calls them (classifier/compose.py) and the meaning check finds
the markers below, so none of these rows is ever `ok` where a human must still decide."""
from __future__ import annotations

import re

from .levels import canonical_level2
from .models import PROPOSAL
from .values import nfkc as _nfkc

# Measure words (量词) a count is written in. Longer first: "人次" before "人".
MEASURE_WORDS = ("万人次", "人次", "万人", "万户", "万亩", "平方米", "立方米", "公里", "个", "人", "名", "次", "场", "期", "批", "家", "户",
                 "所", "座", "处", "项", "件", "台", "套", "辆", "部", "篇", "份", "条", "本", "册", "株", "头", "只", "亩", "间", "栋", "幅", "块")
_MEASURE = "|".join(MEASURE_WORDS)
# Where the object of a count ends inside a sentence: an adverb, a verb of the work, a particle, punctuation.
_OBJECT_END = re.compile(r"广泛|开展|实施|宣传|完成|覆盖|参与|参加|接受|享受|得到|进行|以上|以内|左右|的|等|[，,。；;、及和与并]")

# Markers the meaning check finds (meaning.check_unit_said): such a rewrite still needs a human.
UNIT_UNKNOWN = "原表指标值未写计量单位"
UNIT_PRESUMED = "原表指标值未写单位，按万元理解"
SENTENCE_KEPT = "原表指标值为一句话"
NOT_A_COUNT = "是级别或属性，不是数量"
TASK_TARGET = "具体数值由单位填写"  # round 12: "（建议值）" on a target with no number was judged misused (RC02)


def _count_level(level2: str) -> bool:
    """"数量指标", "数量", "产出数量", "数量指标（20分）": templates name the level differently."""
    return canonical_level2(level2) == "数量指标"


def split_count(value: str) -> tuple[str, str, str, str, str] | None:
    """(operator, number, measure word, counted object, rest of the sentence) of a count value whose measure word is
    followed by the object it counts: "37个基层医疗机构" → ("", "37", "个", "基层医疗机构", ""); "市区重点位置及16个区广泛
    宣传。" → ("", "16", "个", "区", "广泛宣传"); None when nothing follows the measure word ("≥37个", "8个")."""
    t = _nfkc(value).strip().rstrip("。.")
    m = re.search(rf"([≥≤><=]*)\s*(\d+(?:\.\d+)?)\s*({_MEASURE})([\u4e00-\u9fff].*)$", t)
    if not m:
        return None
    after = m.group(4)
    if any(len(w) > len(m.group(3)) and w.startswith(m.group(3)) and (m.group(3) + after).startswith(w) for w in MEASURE_WORDS):
        return None  # "25人次": the measure word is 人次, nothing follows it
    end = _OBJECT_END.search(after)
    obj = after[: end.start()] if end else after
    rest = after[len(obj):]
    if not obj or len(obj) > 10 or re.search(r"\d", obj) or obj in MEASURE_WORDS or obj[0] in "次元年月日天周":
        return None  # "300万人次" read as 万人 + 次: a unit's own tail, no object
    return m.group(1), m.group(2), m.group(3), obj, rest


def glued_count(name: str, value: str, level2: str, year_when: str) -> dict | None:
    """A count whose value glues the counted object to the unit ("37个基层医疗机构"): the value keeps the number and its
    measure word, the object goes into the name, and a sentence's other words stay in the description."""
    if not _count_level(level2):
        return None
    parts = split_count(value)
    if not parts:
        return None
    op, number, measure, obj, rest = parts
    t = _nfkc(value).strip().rstrip("。.")
    before = t[: t.find(number)].strip()
    before = re.sub(r"[≥≤><=]+$", "", before).strip()
    # Words before the number that are not an operator and not another object the row covers ("市区重点位置及…", kept below
    # as "另含…") are content the count no longer says: a human looks. Words after the object ("广泛宣传") say only how.
    sentence = bool(before) and not re.fullmatch(r"(不少于|不低于|至少|达到|共|累计)?", before) and not re.search(r"[及和与、]$", before)
    op = {">=": "≥", ">": "≥", "=": "≥"}.get(op, op) or "≥"
    if op in ("≤", "<"):
        return None  # a capped count is a fault of its own (implausible_value): not this function's to fix
    bare = re.sub(r"(范围|覆盖面|情况|工作)$", "", name).strip("的之")
    if _COUNT_END.search(name or ""):  # "覆盖乡镇数量 | 3个乡镇": the name already says what is counted
        level3 = name
    elif len(obj) == 1:  # "16个区": a place counted ("区、县、村、镇") — the coverage's count
        level3 = f"{bare}覆盖{obj}数" if re.search(r"范围|覆盖", name) else f"{bare}{obj}数"
    else:
        level3 = f"{obj}数量"
    published = (value or "").strip().rstrip("。.")
    also = re.sub(r"[及和与、，,]+$", "", before) if re.search(r"[及和与、]$", before) else ""
    # "市区重点位置及16个区": the other place said is part of what the row covers, kept in the definition (T050-11)
    counted = name if level3 == name else f"{bare}涉及的{obj}数量"
    desc = f"{year_when}{counted}{f'，另含{also}' if also else ''}，以工作台账统计为准（原表指标值为“{published}”）"
    out = {"level3": level3, "description": desc, "value": f"{op}{number}{measure}", "kind": "count", "object": obj}
    if sentence:  # "市区重点位置及…": the other words are not lost, but the count no longer says them
        out["note"] = f"{SENTENCE_KEPT}，数值部分改为数量指标，其余内容写入描述，需审核人确认"
    return out


# A name's own unit, from its end: "…人数" is counted in 人, "…户数" in 户 (never from a word inside the name: the 套 of 配套).
_NAME_END_UNIT = (("人次", "人次"), ("人数", "人"), ("户数", "户"), ("家数", "家"), ("场次", "场"), ("次数", "次"), ("期数", "期"),
                  ("篇数", "篇"), ("台数", "台"), ("套数", "套"), ("件数", "件"), ("项数", "项"), ("所数", "所"), ("座数", "座"),
                  ("处数", "处"), ("个数", "个"), ("册数", "册"), ("份数", "份"))
_NAME_PAREN_UNIT = re.compile(rf"[（(]\s*({_MEASURE}|千米|米|吨|公顷|㎡|km)\s*[)）]\s*$")


def name_count_unit(name: str) -> str:
    """The unit a count's name gives: in brackets ("带动贫困户(人)") or by its ending ("参训人数"); "" when the name does
    not say it ("配套烘干杀菌设备及包装设备购置及安装")."""
    n = (name or "").strip()
    m = _NAME_PAREN_UNIT.search(n)
    if m:
        return m.group(1)
    n = re.sub(r"[（(][^()（）]*[)）]$", "", n).strip()
    for end, unit in _NAME_END_UNIT:
        if n.endswith(end):
            return unit
    return ""


def bare_unit(name: str, description: str = "") -> str:
    """The unit of a bare number, from the name, else from a published description that names the count
    ("补助学生数量 | 反映补助学生人数 | 168" → 人); "" when neither says it."""
    return name_count_unit(name) or name_count_unit(re.sub(r"^(反映|统计|指)", "", (description or "").strip().rstrip("。.")))


def bare_number(value: str) -> bool:
    """"550", "≥550": a number with no unit at all."""
    return bool(re.fullmatch(r"\s*([≥≤><=＞＜＝]|不少于|不低于|至少)?\s*\d+(\.\d+)?\s*", _nfkc(value)))


# Money by its name: a fee, a fund, a subsidy, an output value ("物业费", "奖补资金", "产值"). What a count of it counts is
# the thing before the money word.
_MONEY_END = re.compile(r"(?P<service>物业|管理|服务|维修|运维|保洁|培训|租赁)?(?P<money>费用?|资金|经费|补助|补贴|奖补|奖金)$")
_COUNTED = {"个": "数量", "人": "人数", "户": "户数", "家": "家数", "所": "所数", "座": "座数", "处": "处数", "村": "村数", "名": "人数"}


def counted_for_money_name(name: str, value: str, level2: str, year_when: str) -> dict | None:
    """"安置小区物业费 | 8个" under 数量: the 8 are 小区, so the name says what is counted ("物业服务安置小区数量");
    the money stays in the description. None unless the name ends in a money word and the value counts in a measure word
    that is not money."""
    if not _count_level(level2):
        return None
    m = _MONEY_END.search(name or "")
    v = re.match(rf"\s*([≥≤><=]*)\s*(\d+(?:\.\d+)?)\s*({'|'.join(_COUNTED)})\s*$", _nfkc(value))
    if not m or not v:
        return None
    what = name[: m.start()].strip("的之")
    if len(what) < 2 or re.search(r"\d", what):
        return None
    service = m.group("service") or ""
    money = f"{service}{m.group('money')}"
    level3 = f"{service}服务{what}{_COUNTED[v.group(3)]}" if service in ("物业", "管理", "运维", "保洁") else f"{what}{_COUNTED[v.group(3)]}"
    op = v.group(1) if v.group(1) in ("≥", "≤") else "≥"
    if op == "≤":
        return None
    return {"level3": level3, "kind": "count", "value": f"{op}{v.group(2)}{v.group(3)}",
            "description": f"{year_when}{money}所涉及的{what}{_COUNTED[v.group(3)]}（原表指标名称为“{name}”，指标值以“{v.group(3)}”计），以工作台账统计为准",
            "note": f"原表名称“{name}”是经费，指标值计的是{what}，名称改为所计的对象"}


# An attribute, not an amount: a level, grade, class or state of the work ("修缮级别 | 市级保护单位").
_ATTRIBUTE_NAME = re.compile(r"(级别|等级|级次|类别|类型|性质|状态|形式|方式|标准|规格)$")


def attribute_not_count(name: str, value: str, level2: str, move: bool = True) -> dict | None:
    """A level or grade under 数量 valued as a text ("修缮级别 | 市级保护单位"): "修缮级别的数量" is no sentence. It is a
    quality of the work, checked against the document that grants it; a human confirms the row is worth keeping."""
    v = (value or "").strip().rstrip("。.")
    if not _count_level(level2) or not _ATTRIBUTE_NAME.search(name or "") or not v or re.search(r"\d", v) or len(v) > 20:
        return None
    # The level moves only where its category was flagged (a level not flagged is never changed): else the note says so.
    where = "移入质量指标" if move else "宜移入质量指标"
    return ({"level2": "质量指标"} if move else {}) | {
        "level3": name, "kind": "document_state", "value": v, "description": f"{name}为“{v}”，以相关认定或批复文件为据",
        "note": f"“{name}”{NOT_A_COUNT}，{where}，按文件核实是否达到“{v}”，需审核人确认是否保留本行"}


# The kind of quantity a count's name measures, for its task: an area, people, or a number of things.
def _task_measure(name: str) -> str:
    n = re.sub(r"[（(][^()（）]*[)）]", "", name or "")
    if re.search(r"面积|亩", name or ""):
        return "面积"
    if re.search(r"人数|人次|[（(]人[)）]", name or ""):
        return "人数"
    if n.endswith("户数") or re.search(r"[（(]户[)）]", name or ""):
        return "户数"
    return "数量"


# The unit a count's task is counted in: the name's bracketed unit ("面积(万亩)"), else the one its measure implies.
_MEASURE_UNIT = {"人数": "人", "户数": "户"}

# A count's target left to the document that sets it ("≥（按任务下达文件填写）万亩", round 13: the judges' own form):
# a reviewer checks it against that document at year end, so the rules and the meaning check read it as measurable —
# only this form, which names the document and the unit; a vague value in general stays unmeasurable.
TASK_DOC_VALUE = re.compile(r"^[≥≤]\s*[（(]按[^()（）]{0,12}(文件|计划)填写[)）]\s*[^\d\s（）()，,。；;]{1,4}$")


def task_count(name: str, value: str, level2: str, description: str, title: str, year_when: str) -> dict | None:
    """A count published with no number ("…补助面积(万亩) | （空）"): no number can be known offline, so none is made up.
    The target a reviewer can check is the task the unit is given for the year — the count stays a count, its unit the
    name's, the number left to the task document, and a human fills it in. Round 13 (RC02-01..05): the value is short
    and carries the unit ("≥（按任务下达文件填写）万亩"); the description does not repeat the name's bracketed unit."""
    v = (value or "").strip()
    if not _count_level(level2) or re.search(r"\d", v) or v and v != (name or "").strip():
        return None
    if not re.search(r"(数量|个数|次数|人数|人次|户数|面积|数)$|[（(][^()（）]{1,4}[)）]$", name or ""):
        return None
    measure = _task_measure(name)
    bracket = re.search(r"[（(]([^()（）]{1,4})[)）]$", name or "")
    unit = bracket.group(1) if bracket and bracket.group(1) not in ("%", "％") else _MEASURE_UNIT.get(measure, "")
    said = f"{description}{title}"
    task = "上级下达的年度任务" if re.search(r"下达|任务|补助|补贴|工程|专项|转移支付", said + name) else "年度计划"
    doc = "任务下达文件" if task.startswith("上级") else "年度工作计划"
    shown = "（空）" if not v else f"“{v}”"
    bare = re.sub(r"[（(][^()（）]*[)）]$", "", name).strip()
    value = f"≥（按{doc}填写）{unit}" if unit else f"≥{task}{measure}（以{doc}为准，由单位填写）"
    return {"level3": name, "kind": "count", "value": value,
            "description": f"{year_when}{bare}{'' if bare.endswith(measure) or measure == '数量' and bare.endswith('数') else '的' + measure}"
                           f"，不低于{task}{measure}，以{doc}和工作台账为准",
            "note": f"原表指标值为{shown}，未填写目标数；改为不低于{task}{measure}，以{doc}为准，{TASK_TARGET}"}


# A 数量 value that lists the tasks or objects of the year by name ("完成罗氏宗祠、李氏宗祠、英布墓日常维护,…测绘、…护栏制装",
# RG01-01, wrong by both judges of round 12 while the list stayed the value): the count is the number of listed items,
# the list the count's scope. A list of intentions ("制度体系不断完善") is no list of tasks: it stays for the other rules.
_LIST_VERB = re.compile(r"^(全面|按时|按期|如期)?(完成|开展|实施|做好|负责|推进|进行|组织)")
_LIST_SEP = re.compile(r"[、，,；;]")
_LIST_VAGUE = re.compile(r"明显|显著|良好|较高|较好|基本|持续|不断|有效|进一步|稳步|逐步|提升|提高|改善|增强|加强|促进|推动|确保|保障|"
                         r"充分|积极|优化|满意|稳定|顺利|规范|完善|落实|取得|实现|力争|如期|按时|及时|目标任务|工作任务|应完成")
# Items that are places or buildings are counted in 处 ("罗氏宗祠、李氏宗祠"), any other work in 项.
_PLACE_END = re.compile(r"(祠|墓|寺|庙|塔|桥|楼|馆|院|站|点|址|旧址|遗址|故居|村|社区|学校|园|场|亭|阁|殿|堂|宅|碑|窟)$")
LIST_COUNTED = "项数按原表所列事项计"  # marker for meaning.check_unit_said: a human checks the count


def _list_items(value: str) -> list[str]:
    t = re.sub(r"([\u4e00-\u9fff]{1,4}[省市县区镇乡])\1", r"\1", _nfkc(value).strip().rstrip("。.；;"))  # "六安市六安市"
    t = _LIST_VERB.sub("", t).strip()
    return [x.strip() for x in _LIST_SEP.split(t) if x.strip()]


def task_list(name: str, value: str, level2: str, year_when: str) -> dict | None:
    """A 数量 row valued as a list of named tasks or objects: the value becomes their number ("≥6项（建议值）"), the
    list is kept in the description as what is counted; never a list left as the value of a count. The number is read
    off the published list, so a human checks it."""
    v = (value or "").strip()
    if not _count_level(level2) or re.search(r"\d", _nfkc(v)) or len(v) < 8:
        return None
    items = _list_items(v)
    if len(items) < 3 or any(not 2 <= len(x) <= 24 or _LIST_VAGUE.search(x) for x in items):
        return None
    measure = "处" if all(_PLACE_END.search(x) for x in items) else "项"
    listed = "、".join(items)
    bare = re.sub(r"[（(][^()（）]*[)）]$", "", name or "").strip()
    return {"level3": name, "kind": "count", "value": f"≥{len(items)}{measure}{PROPOSAL}",
            "description": f"{year_when}{bare or '完成数量'}，按原表所列{'对象' if measure == '处' else '任务'}的完成{measure}数计，"
                           f"统计范围为：{listed}，以工作台账和完成资料为准",
            "note": f"原表指标值是所列{'对象' if measure == '处' else '任务'}的清单，不是数量；改为所列{len(items)}{measure}的完成数量，"
                    f"清单写入描述作为统计范围，{LIST_COUNTED}，需审核人核对"}


# A percent sign left in a name by a template's unit column ("新型经营主体实现产值(%) | 8000", RG05-03): residue unless the
# row is a percentage.
_PERCENT_IN_NAME = re.compile(r"\s*[（(]\s*[%％]\s*[)）]\s*$")


def unit_said(name: str, description: str, kind: str, published: str, value: str) -> tuple[str, str]:
    """(name, description) of a composed row where the published value had no unit: a "(%)" column label left in a name
    that is no rate goes; a count whose unit nobody gave says so (never "≥550套" from the 套 of 配套, RD06-02); an amount
    read as 万元 says it was read so (RA03-01: "“万元”单位系推定未说明")."""
    if kind not in ("rate", "satisfaction") and "%" not in _nfkc(value):
        name = _PERCENT_IN_NAME.sub("", name or "") or name
    if not bare_number(published):
        return name, description
    shown = (published or "").strip()
    if kind == "count" and bare_number(value):
        note = f"{UNIT_UNKNOWN}（原表为“{shown}”），改写不推测单位，需由单位补充计量单位"
        return name, f"{description.rstrip('。.；;')}；{note}" if note not in description else description
    if kind in ("money", "unit_cost") and re.search(r"万元|元", value or ""):
        unit = "万元" if "万元" in value else "元"
        note = f"{UNIT_PRESUMED if unit == '万元' else UNIT_PRESUMED.replace('万元', '元')}（原表为“{shown}”），需审核人确认"
        return name, f"{description.rstrip('。.；;')}；{note}" if note not in description else description
    return name, description


def same_count(value: str, mine, rows, obj: str = "") -> object | None:
    """Another 数量 row of the table counting the same number in the same measure word ("≥37个" beside "实施乡镇社区基层
    医疗机构37个。", RG04-03/01): a row flagged as a copy whose count another row already states is that row again."""
    m = re.search(rf"(\d+(?:\.\d+)?)\s*({_MEASURE})", _nfkc(value))
    if not m:
        return None
    for r in rows or ():
        if r is mine or getattr(r, "id", None) == getattr(mine, "id", object()) or not _count_level(r.level2):
            continue
        if re.search(rf"(?<![\d.]){re.escape(m.group(1))}\s*{m.group(2)}", _nfkc(r.value)) \
                and (not obj or obj in _nfkc(f"{r.level3}{r.value}")):
            return r
    return None


# A count's name that names no count: people ("需由市财政发放补贴的援派干部人才 | ≥125人") or things ("覆盖部机关全部在用设备 |
# 77套") — round 11's minors: "名称仍是人群而非指标", "不是计数指标名". Where the name ends in such a noun, the count is
# its number in the value's measure word; a verb phrase ("按要求建设", "保障全部党派办公") stays for a human to name.
_PEOPLE_END = re.compile(r"(人才|干部|人员|职工|学生|学员|群众|居民|农户|对象|专家|教师|医生|志愿者|老人|儿童|党员)$")
_THING_END = re.compile(r"(设备|设施|机构|单位|基地|站点|场所|场馆|房屋|车辆|终端|系统|网点|阵地|书屋|驿站)$")
_COUNT_END = re.compile(r"(数量|个数|次数|人数|人次|户数|场次|期数|套数|台数|件数|项数|面积|长度|里程|容积|数)([（(][^()（）]*[)）])?$")
_COUNTED_AS = {"人": "人数", "名": "人数", "人次": "人次", "户": "户数", "套": "套数", "台": "台数", "个": "数量", "家": "家数", "所": "所数",
               "处": "处数", "座": "座数", "辆": "辆数", "件": "件数", "项": "项数"}


def count_name(name: str, description: str, unit: str) -> str:
    """The name of a count whose published name counts nothing: the description when it is that count's name
    ("专家评审 | 专家评审人数"), else the noun the name ends in with what the unit counts ("…援派干部人才人数"); ""."""
    n = (name or "").strip()
    if not n or _COUNT_END.search(n) or re.search(r"[，,。；;]", n):
        return ""
    d = (description or "").strip().rstrip("。.")
    if d.startswith(n) and _COUNT_END.search(d) and len(d) <= len(n) + 4 and not re.search(r"[，,。；;\d]", d):
        return d
    counted = _COUNTED_AS.get(unit or "", "")
    if counted in ("人数", "人次") and _PEOPLE_END.search(n) or counted and counted not in ("人数", "人次") and _THING_END.search(n):
        return f"{n}{counted}"
    return ""
