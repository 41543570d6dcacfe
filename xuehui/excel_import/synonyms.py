"""The one header-synonym table of every importer: a header text -> the other texts offices write
for it. `map_header` accepts a synonym wherever an importer accepts the text it stands for, so a
new variant seen in a real file is added here once, as data, for every import.

Texts are compared after `normalise_header` (full-width forms, case, spaces and line breaks, a
trailing bracketed note such as "(分)", "（必填）" or "(Ticket No.)"), so those variants need no entry.
"""

from __future__ import annotations

from collections.abc import Mapping

HEADER_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    # people and their numbers
    "准考证号": ("准考证号码", "准考证编号", "考号", "考生号", "ticket no.", "admission ticket"),
    "身份证号": ("身份证号码", "身份证件号码", "证件号码", "证件号", "公民身份号码", "身份证", "id no."),
    "姓名": ("考生姓名", "专家姓名", "名字", "full name"),
    # exams
    "科目代码": ("科目编号", "科目号", "科目编码", "科目", "subject no."),
    "成绩": ("考试成绩", "分数", "得分", "成绩分数", "总分", "score", "mark"),
    "状态": ("考试状态", "成绩状态", "考生状态", "status"),
    # the expert registry
    "工作单位": ("单位", "单位名称", "所在单位", "工作单位名称", "employer", "organisation", "organization"),
    "手机": ("联系电话", "电话", "手机号", "手机号码", "联系方式", "mobile", "phone number"),
    "邮箱": ("电子邮件", "电子邮箱", "邮件", "email address", "e-mail"),
    "关键词": ("研究方向", "研究方向关键词", "研究领域", "专业方向", "research interests"),
    "职级": ("职称级别", "职称等级", "职称层级", "title level"),
    "职称": ("专业技术职称", "技术职称", "professional title"),
}
