"""The score import's report, as the page shows it and the command line prints it: the problems,
or the sheets read, the counts per subject and what the import changes against the current scores."""

from __future__ import annotations

from typing import Any

from exams.rules.score_changes import shown_score


def report_lines(summary: dict[str, Any], lang: str) -> list[str]:
    """The validation report: every problem, or the sheets read, the totals and the changes."""

    def pick_text(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    lines = []
    for p in summary.get("problems", []):
        where = pick_text(f"第{p.get('row')}行", f"Row {p.get('row')}") if p.get("row") else ""
        column = f" {p['column']}" if p.get("column") else ""
        lines.append(f"{where}{column}: {pick_text(p['zh'], p['en'])}" if where else pick_text(p["zh"], p["en"]))
    if summary.get("problems"):
        return lines
    lines += sheet_lines(summary.get("sheets") or {}, lang)
    lines += [pick_text(n["zh"], n["en"]) for n in summary.get("notes") or []]
    lines.append(pick_text(f"共{summary.get('rows', 0)}行，全部通过校验", f"{summary.get('rows', 0)} rows, all valid"))
    for t in summary.get("totals", []):
        lines.append(
            pick_text(
                f"科目{t['subject']}：{t['rows']}行，缺考{t['absent']}，违纪{t['violations']}，成绩合计{t['score_sum']}",
                f"subject {t['subject']}: {t['rows']} rows, {t['absent']} absent, "
                f"{t['violations']} violations, sum {t['score_sum']}",
            )
        )
    lines += change_lines(summary.get("changes") or {}, lang)
    return lines


def sheet_lines(sheets: dict[str, Any], lang: str) -> list[str]:
    """Which sheets were read, and which were not (hidden ones said to be hidden)."""
    if not sheets.get("read"):
        return []
    zh_names = "、".join(f"“{n}”" for n in sheets["read"])
    en_names = ", ".join(repr(n) for n in sheets["read"])
    lines = [f"已读取工作表：{zh_names}" if lang != "en" else f"sheets read: {en_names}"]
    hidden = set(sheets.get("hidden", []))
    other = sheets.get("other", [])
    if other:
        zh = "、".join(f"“{n}”" + ("（隐藏）" if n in hidden else "") for n in other)
        en = ", ".join(repr(n) + (" (hidden)" if n in hidden else "") for n in other)
        lines.append(f"未读取的工作表（表头不符）：{zh}" if lang != "en" else f"sheets not read (other headers): {en}")
    return lines


def change_lines(changes: dict[str, Any], lang: str) -> list[str]:
    """Rows added, changed (old → new) and current scores the file does not contain (kept)."""
    if not changes:
        return []
    en = lang == "en"
    lines = [
        f"{changes['added']} scores added, {changes['changed_count']} changed, {changes['unchanged']} unchanged"
        if en
        else f"新增成绩{changes['added']}个，修改{changes['changed_count']}个，未变{changes['unchanged']}个"
    ]
    for c in changes["changed"]:
        old, new = shown_score(c["old"][0], c["old"][1], lang), shown_score(c["new"][0], c["new"][1], lang)
        lines.append(
            f"changed: {c['ticket']} {c['name']}, subject {c['subject']}: {old} → {new}"
            if en
            else f"修改：{c['ticket']} {c['name']} 科目{c['subject']}：{old} → {new}"
        )
    if changes["changed_count"] > len(changes["changed"]):
        more = changes["changed_count"] - len(changes["changed"])
        lines.append(f"… and {more} more changes" if en else f"……另有{more}个修改")
    if changes.get("kept_count"):
        per_zh = "，".join(f"科目{code}：{n}个" for code, n in changes["kept_by_subject"].items())
        per_en = ", ".join(f"subject {code}: {n}" for code, n in changes["kept_by_subject"].items())
        lines.append(
            f"{changes['kept_count']} current scores are not in the file and stay ({per_en})"
            if en
            else f"现有成绩中有{changes['kept_count']}个不在文件中，将保留（{per_zh}）"
        )
        for k in changes["kept"]:
            shown = shown_score(k["score"][0], k["score"][1], lang)
            lines.append(
                f"kept: {k['ticket']} {k['name']}, subject {k['subject']}: {shown}"
                if en
                else f"保留：{k['ticket']} {k['name']} 科目{k['subject']}：{shown}"
            )
    return lines
