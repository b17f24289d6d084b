"""Text views of eval results, comparisons and agreement (markdown tables that
read fine in a terminal too). Pure: dicts in, strings out."""
from __future__ import annotations

from ..models import LABELS, LABELS_ZH, PROJECT_CODES
from .insample import in_sample, in_sample_note


def _f(x, pct: bool = False) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.1%}" if pct else f"{x:.3f}"
    return str(x)


def _d(x) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:+.3f}"
    return f"{x:+d}" if isinstance(x, int) else str(x)


def label_table(scores: dict, codes=LABELS) -> list[str]:
    lines = ["| label | 中文 | support | predicted | P | R | F1 | FP | FN |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in codes:
        s = scores["labels"][c]
        lines.append(f"| {c} | {LABELS_ZH.get(c, c)} | {s['support']} | {s['predicted']} | {_f(s['precision'])} | "
                     f"{_f(s['recall'])} | {_f(s['f1'])} | {s['fp']} | {s['fn']} |")
    return lines


def headline(result: dict) -> str:
    p = result.get("prompt") or {}
    code = result.get("code") or {}
    commit = (code.get("commit") or "unknown")[:10] + (" (dirty)" if code.get("dirty") else "")
    return (f"backend {result['backend']}, prompt {p.get('version') or '–'}, model {result.get('model') or '–'}, "
            f"{result['data']['labelled_rows']} labelled rows of {result['data']['path']}, commit {commit}, {result['created']}")


def markdown_table(result: dict) -> str:
    m = result["metrics"]
    ls = m["labels"]
    lines = [f"# eval: {result['backend']} / {(result.get('prompt') or {}).get('version') or 'no prompt'}", "", headline(result), ""]
    lines += evaluation_lines(result)
    src = result.get("row_sources") or {}
    if src.get("rules_fallback"):
        lines += [f"**Warning:** {src['rules_fallback']} of {result['data']['rows']} rows fell back to rules (source rules_fallback): "
                  "for those rows these are not the model's scores.", ""]
    lines += label_table(ls)
    sample = ""
    if in_sample(result):
        sample = "in-sample "  # evaluation_lines() above says why
    lines += ["", f"{sample}macro-F1 **{_f(ls['macro_f1'])}** · micro-F1 {_f(ls['micro']['f1'])} "
              f"(P {_f(ls['micro']['precision'])}, R {_f(ls['micro']['recall'])}) · exact match {_f(ls['exact_match'], True)}"]
    pj = m.get("projects")
    if pj:
        lines += ["", f"Project findings: precision {_f(pj['micro']['precision'])}, recall {_f(pj['micro']['recall'])}, "
                  f"F1 {_f(pj['micro']['f1'])} over {pj['rows']} projects "
                  + "(" + ", ".join(f"{c} {pj['labels'][c]['tp']}/{pj['labels'][c]['support']} found, {pj['labels'][c]['fp']} FP" for c in PROJECT_CODES) + ")"]
    rw = m["rewrites"]
    lines += ["", f"Rewrites: {rw['rewrites']} for {rw['flagged_rows']} flagged rows (coverage {_f(rw['coverage'], True)}); "
              f"pass the checker {_f(rw['checker_ok'], True)}, keep every number {_f(rw['numbers_kept'], True)}, "
              f"with （建议值） {_f(rw['proposal'], True)}"]
    gr = m.get("gold_rewrites")
    if gr and gr["rewrites"]:
        lines += [f"(Gold rewrites, same checks: pass the checker {_f(gr['checker_ok'], True)}, keep every number "
                  f"{_f(gr['numbers_kept'], True)}, with （建议值） {_f(gr['proposal'], True)})"]
    c = m["cost"]
    lines += ["", f"Cost: {c['calls']} calls, {c['cache_hits']} cache hits, {c['tokens']} tokens "
              f"({c['prompt_tokens']} prompt + {c['completion_tokens']} completion), {c['seconds']} s, est. cost {c['cost']}"]
    return "\n".join(lines) + "\n"


SCHEME_ZH = {"transfer": "迁移：学习模型只用种子（天津 2022）训练，在地区集上评分",
             "province": "留出省份：逐个省份留出，其余省份训练，在留出省份上评分",
             "as_shipped": "按发布的模型评分"}


def evaluation_lines(result: dict) -> list[str]:
    """What the figures are: held-out (and how) or in-sample. Printed before any score."""
    ev = result.get("evaluation") or {}
    lines = []
    if in_sample(result):
        lines += [f"**样本内（in-sample）**：{in_sample_note(result)}。这些数字偏高，不代表新表上的表现；"
                  "留出评估见 `indicator-qa eval --holdout province` / `--holdout transfer`。", ""]
    elif ev.get("scheme") in ("transfer", "province"):
        lines += [f"**留出评估（held-out）**：{SCHEME_ZH[ev['scheme']]}。", ""]
    subsets = result.get("subsets") or {}
    if subsets:
        lines += ["| subset | rows | macro-F1 | " + " | ".join(LABELS) + " |", "|---|---:|---:|" + "---:|" * len(LABELS)]
        for name, m in [("all", result["metrics"])] + sorted(subsets.items()):
            ls = m["labels"]
            lines.append(f"| {name} | {ls['rows']} | {_f(ls['macro_f1'])} | " + " | ".join(_f(ls["labels"][l]["f1"]) for l in LABELS) + " |")
        lines.append("")
    prov = result.get("per_province") or {}
    if prov:
        lines.append("Per province (rows, macro-F1): " + "; ".join(f"{k} {v['rows']} / {_f(v['macro_f1'])}" for k, v in prov.items()))
        lines.append("")
    return lines


def error_lists(result: dict, show: int = 5) -> str:
    """Per label, up to `show` false positives and false negatives with text."""
    if show <= 0:
        return ""
    lines = []
    for label, e in result["metrics"]["errors"].items():
        for kind, name in (("fp", "误报 FP"), ("fn", "漏报 FN")):
            items = e[kind]
            if not items:
                continue
            lines.append(f"{label} {name}（{len(items)}）：")
            lines += [f"  {it['id']}  {it['text']}" for it in items[:show]]
            if len(items) > show:
                lines.append(f"  … 另 {len(items) - show} 行，见结果 JSON")
    return "\n".join(lines) + ("\n" if lines else "")


def render_compare(cmp: dict, show: int = 20) -> str:
    lines = [f"A: {cmp['a']}", f"B: {cmp['b']}", ""]
    lines += [f"注意：{w}" for w in cmp["warnings"]]
    lines += ["| label | support | F1 A | F1 B | ΔF1 | ΔP | ΔR | ΔFP | ΔFN |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, v in cmp["labels"].items():
        lines.append(f"| {label} | {_f(v['support']['b'])} | {_f(v['f1']['a'])} | {_f(v['f1']['b'])} | {_d(v['f1']['delta'])} | "
                     f"{_d(v['precision']['delta'])} | {_d(v['recall']['delta'])} | {_d(v['fp']['delta'])} | {_d(v['fn']['delta'])} |")
    for k in ("macro_f1", "micro_f1", "exact_match"):
        v = cmp[k]
        lines.append(f"| **{k}** | | {_f(v['a'])} | {_f(v['b'])} | {_d(v['delta'])} | | | | |")
    pj = cmp["projects"]
    lines += ["", f"Project findings: P {_f(pj['precision']['a'])} → {_f(pj['precision']['b'])}, R {_f(pj['recall']['a'])} → {_f(pj['recall']['b'])}"]
    lines.append("Rewrites: " + ", ".join(f"{k} {_f(v['a'], True)} → {_f(v['b'], True)}" for k, v in cmp["rewrites"].items()))
    lines.append("Cost: " + ", ".join(f"{k} {_f(v['a'])} → {_f(v['b'])} ({_d(v['delta'])})" for k, v in cmp["cost"].items()))
    rows = cmp["rows"]
    lines += ["", f"Rows changed: {len(rows['fixed'])} fixed, {len(rows['broken'])} broken, {len(rows['mixed'])} mixed, "
              f"{len(rows['changed_neutral'])} changed without effect"]
    for kind, name in (("fixed", "修正 fixed"), ("broken", "变差 broken"), ("mixed", "有得有失 mixed")):
        items = rows[kind]
        if not items:
            continue
        lines.append(f"{name}（{len(items)}）：")
        for it in items[:show]:
            what = "; ".join(x for x in (("+" + ",".join(it["fixed"])) if it["fixed"] else "", ("-" + ",".join(it["broken"])) if it["broken"] else "") if x)
            lines.append(f"  {it['id']}  {it['text']}")
            lines.append(f"      gold {it['gold']}  A {it['a']}  B {it['b']}  [{what}]")
        if len(items) > show:
            lines.append(f"  … 另 {len(items) - show} 行")
    return "\n".join(lines) + "\n"


def render_agreement(ag: dict, name_a: str, name_b: str, show: int = 20) -> str:
    lines = [f"A: {name_a}", f"B: {name_b}",
             f"共同 id {ag['common']} 行（仅 A {ag['only_a']}，仅 B {ag['only_b']}）；完全一致 {_f(ag['exact_agreement'], True)}", "",
             "| label | A+ | B+ | both | agreement | Cohen's κ |", "|---|---:|---:|---:|---:|---:|"]
    for label, v in ag["labels"].items():
        lines.append(f"| {label} | {v['a_positive']} | {v['b_positive']} | {v['both']} | {_f(v['agreement'], True)} | {_f(v['kappa'])} |")
    lines.append(f"| **mean κ** | | | | | {_f(ag['mean_kappa'])} |")
    d = ag["disagreements"]
    if d:
        lines += ["", f"不一致的行（{len(d)}）："]
        for it in d[:show]:
            lines.append(f"  {it['id']}  {it['text']}")
            lines.append(f"      A {it['a']}  B {it['b']}")
        if len(d) > show:
            lines.append(f"  … 另 {len(d) - show} 行（--show 调整）")
    return "\n".join(lines) + "\n"
