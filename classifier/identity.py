"""When two tables of one batch are the same project.

A province's batch often holds a project twice: last year's table and this year's
(“2022年…专项资金” / “2023年…专项资金”), or the 申报表 and the 批复表. Their rows repeat because
the project continues, not because one was pasted from another, so copy_paste must not
count the second table as "another project". Pure functions."""
from __future__ import annotations

import re
from functools import lru_cache

from .models import Project
from .values import normalize

_YEAR = re.compile(r"(19|20)\d{2}\s*(年度|年)?|[（(]\s*(续建|延续|新增)\s*[)）]")


@lru_cache(maxsize=65536)
def _title_key(title: str) -> str:
    return normalize(_YEAR.sub("", title or ""))


def project_key(p: Project) -> tuple[str, str]:
    """(title without years, unit): equal for one project's tables of different years."""
    return (_title_key(p.title), normalize(p.unit_name or p.unit))


def same_project(p: Project, q: Project) -> bool:
    """Two tables (not the same table) of one project in different years or stages."""
    if p is q:
        return False
    kp = project_key(p)
    return bool(kp[0]) and kp == project_key(q)
