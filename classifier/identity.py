"""When two tables of one batch are the same project.

A province's batch often holds a project twice: last year's table and this year's
(“2022年…专项资金” / “2023年…专项资金”), or the 申报表 and the 批复表. Their rows repeat because
the project continues, not because one was pasted from another, so copy_paste must not
count the second table as "another project". Pure functions."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

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


def project_of(p: Project) -> tuple:
    """The project a table belongs to when repeated rows are grouped: its
    project_key, or the table itself when it has no title (an untitled table
    is its own project, as `same_project` says)."""
    key = project_key(p)
    return key if key[0] else ("table", p.source_hash or p.source_file, p.id)


class ProjectGroups:
    """The members of one group of repeated rows (a copy-paste cluster, the rows
    sharing one rules.row_key), grouped by project once. This is the one place
    where the same project's table of another year stops counting as "another
    project": rules.check_exact_duplicates and clusters.copy_paste_findings both
    ask it, and a group costs time in proportion to its size, not its square.

    `projects`: each member's table, in the group's order."""

    def __init__(self, projects: Iterable[Project]):
        projects = list(projects)
        self.tables = [(p.source_hash or p.source_file, p.id) for p in projects]
        self.keys = [project_of(p) for p in projects]
        self._size = Counter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def elsewhere(self, i: int) -> int:
        """How many members belong to other projects than member i's."""
        return len(self.keys) - self._size[self.keys[i]]

    def related(self, i: int, k: int) -> bool:
        """Member k is worth citing for member i: another row of i's own table,
        or a row of another project (not the same project's other year)."""
        return k != i and (self.tables[k] == self.tables[i] or self.keys[k] != self.keys[i])

    def other_projects(self, i: int, n: int) -> list[int]:
        """The first n members, in group order, of projects other than member i's."""
        out: list[int] = []
        own = self.keys[i]
        if self._size[own] == len(self.keys):
            return out
        for k, key in enumerate(self.keys):
            if len(out) >= n:
                break
            if key != own:
                out.append(k)
        return out
