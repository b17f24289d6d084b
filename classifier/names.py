"""The one table of display names: every internal code a user can see (labels,
project findings, severities, finding and rewrite sources, decision actions and
statuses, backends) and its Chinese name. The CLI, the app, the HTML and the
XLSX report all read it here, so "block" is 阻断 everywhere. Times are shown in
Beijing time. Pure: no Streamlit, no I/O."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .models import LABELS_ZH, ORIGIN_ZH, REWRITE_SOURCE_ZH, REWRITE_STATUS_ZH

LABEL = LABELS_ZH  # the six labels of LABELS.md and the project codes
SEVERITY = {"block": "阻断", "warn": "警告", "suggest": "建议"}
# Where a finding (or a row's labels) came from; rules/rule both appear (row_source vs Finding.source).
SOURCE = {"rule": "规则", "rules": "规则", "index": "相似行索引", "model": "学习模型", "llm": "大模型",
          "rules_fallback": "规则（大模型回答无效后回退）"}
# Who wrote a rewrite (Rewrite.source), and whether it passed its re-check (Rewrite.status).
REWRITE_SOURCE = REWRITE_SOURCE_ZH  # kept beside Rewrite in models.py; named here with the rest
REWRITE_STATUS = REWRITE_STATUS_ZH
ORIGIN = ORIGIN_ZH  # where a library rewrite's reference came from
# What a reviewer did (store.ACTIONS), as the history, exports and messages say it.
ACTION = {"accept": "接受建议", "edit": "修改后接受", "reject": "驳回", "undo": "撤销"}
# A row's review status (the queue filter); an action's status is its past form.
STATUS = {"all": "全部", "pending": "待审核", "decided": "已审核", "accept": "已接受", "edit": "已修改",
          "reject": "已驳回"}
BACKEND = {"offline": "离线", "openai": "大模型服务", "all": "全部"}
# Why a judge called a rewrite minor or wrong (eval.judged.PATTERNS), as the eval output names it.
PATTERN = {"drops_number": "丢失原表数字", "wrong_direction": "方向错误", "kind_changed": "指标类型被改",
           "still_vague": "仍不可衡量", "ungrammatical": "语句不通", "residue": "模板残留或名称粘连",
           "undefined_grade": "等级未定义", "invented_fact": "虚构事实", "wrong_unit": "单位不符",
           "meaning_changed": "改变原意", "other": "其他"}
TABLES = {"label": LABEL, "severity": SEVERITY, "source": SOURCE, "rewrite_source": REWRITE_SOURCE,
          "rewrite_status": REWRITE_STATUS, "origin": ORIGIN, "action": ACTION, "status": STATUS, "backend": BACKEND,
          "pattern": PATTERN}

BEIJING = timezone(timedelta(hours=8), "北京时间")


def name(kind: str, code: str | None) -> str:
    """The Chinese name of `code` in table `kind`; an unknown code is shown as
    itself (data we did not expect must still be visible, not dropped)."""
    if code is None or code == "":
        return ""
    return TABLES[kind].get(code, str(code))


def names(kind: str, codes) -> str:
    return "、".join(name(kind, c) for c in codes or ())


def beijing(iso: str | None, seconds: bool = True) -> str:
    """An ISO 8601 time (the store writes UTC) as Beijing time: 2026-12-01 20:45:03."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
