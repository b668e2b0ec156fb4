"""Survey-platform exports: which platform made a file, and reading it as that platform writes it.

A platform is recognised from its own metadata columns (the columns every export of it starts
with), never from question wording:

==================  =====================================================================
问卷星 (wjx)         序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP; then "1、question";
                    matrix rows "5、title—row" (later rows often "5、row" or "5、(row)")
腾讯问卷             编号, 开始答题时间, 结束答题时间, 答题时长, 地理位置国家和地区/省/市,
                    自定义字段 (IP, UA, 用户标识, 昵称 when collected); then "1.question"
Qualtrics           StartDate, EndDate, Status, IPAddress, Progress, Duration (in seconds),
                    Finished, RecordedDate, ResponseId, Recipient*, Location*; row 2 the
                    question texts, row 3 ``{"ImportId": …}``
SurveyMonkey        Respondent ID, Collector ID, Start Date, End Date, IP Address, Email
                    Address, First Name, Last Name, Custom Data 1; row 2 the answer options
                    ("Response", "Open-Ended Response" or a matrix row)
Google Forms        Timestamp (first column), Email Address / Score when collected; grids
                    "Question [Row]"
Microsoft Forms     ID, Start time, Completion time, Email, Name, Last modified time
==================  =====================================================================

Sources for each are in ``tests/exports/README.md``. What this module does with a file:
the header rows below the header are skipped or combined (Qualtrics rows 2–3 become question
texts; SurveyMonkey's row 2 is combined into "question — option" names); preview, test and
spam responses and (unless ``keep_unfinished``) unfinished ones are excluded and counted; the
submit time is the date and the response id the id; personal data columns (IP address,
e-mail, names, phone, location, user agent) are dropped so nothing can print or export them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Platform:
    """What identifies one platform's export and which of its columns are what."""

    name: str
    signature: tuple[str, ...]
    date: tuple[str, ...] = ()
    id: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "问卷星",
        signature=("序号", "提交答卷时间", "所用时间"),
        date=("提交答卷时间",),
        id=("序号",),
        personal=("来自IP", "IP", "填写人", "姓名", "手机", "手机号", "微信昵称"),
        metadata=("所用时间", "来源", "来源详情", "总分", "答卷编号"),
    ),
    Platform(
        "腾讯问卷",
        signature=("编号", "开始答题时间", "结束答题时间"),
        date=("结束答题时间",),
        id=("编号",),
        personal=(
            "地理位置国家和地区",
            "地理位置省",
            "地理位置市",
            "IP",
            "UA",
            "用户标识",
            "昵称",
            "家庭地址(经度，纬度)",
            "Referrer",
        ),
        metadata=(
            "开始答题时间",
            "答题时长",
            "自定义字段",
            "用户类型",
            "语言",
            "清洗数据结果",
            "智能清洗数据无效概率",
            "数据版本",
            "中奖时间",
            "中奖金额",
            "审核状态",
        ),
    ),
    Platform(
        "Qualtrics",
        signature=("StartDate", "EndDate", "ResponseId"),
        date=("RecordedDate", "EndDate"),
        id=("ResponseId",),
        personal=(
            "IPAddress",
            "RecipientLastName",
            "RecipientFirstName",
            "RecipientEmail",
            "LocationLatitude",
            "LocationLongitude",
        ),
        metadata=(
            "StartDate",
            "EndDate",
            "Status",
            "Progress",
            "Duration (in seconds)",
            "Finished",
            "ExternalReference",
            "DistributionChannel",
            "UserLanguage",
            "Q_RecaptchaScore",
        ),
    ),
    Platform(
        "SurveyMonkey",
        signature=("Respondent ID", "Collector ID", "Start Date", "End Date"),
        date=("End Date",),
        id=("Respondent ID",),
        personal=("IP Address", "Email Address", "First Name", "Last Name"),
        metadata=("Collector ID", "Start Date", "Custom Data 1"),
    ),
    Platform(
        "Google Forms",
        signature=("Timestamp",),
        date=("Timestamp",),
        personal=("Email Address", "Email address"),
        metadata=("Score",),
    ),
    Platform(
        "Microsoft Forms",
        signature=("ID", "Start time", "Completion time"),
        date=("Completion time",),
        id=("ID",),
        personal=("Email", "Name"),
        metadata=("Start time", "Last modified time", "Total points", "Quiz feedback"),
    ),
)

_QUALTRICS_IMPORT = '{"ImportId"'
#: Qualtrics ``Status``: what each value means (text export, numeric export).
_QUALTRICS_STATUS = {
    "survey preview": "preview",
    "1": "preview",
    "survey test": "test",
    "2": "test",
    "spam": "spam",
    "8": "spam",
}
_FALSE = {"false", "0", "0.0"}
_SURVEYMONKEY_SINGLE = {"response", "open-ended response", ""}
#: A column name ``column_N`` is what reading gives a blank header cell.
_BLANK_HEADER = re.compile(r"^column_(\d+)$")


@dataclass(frozen=True)
class Export:
    """How a platform export was read (an unrecognised file: ``platform`` None).

    ``header_rows`` are the file rows that gave column names and question texts;
    ``excluded`` counts the respondents left out, by reason; ``questions`` maps a column to its
    question text where the file states one apart from the column name; ``personal`` lists
    the personal-data columns dropped; ``metadata`` the platform's other non-question columns.
    """

    platform: str | None = None
    header_rows: tuple[int, ...] = ()
    excluded: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    questions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    personal: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    date: str | None = None
    id: str | None = None

    def describe(self) -> dict[str, str]:
        """Overview lines: the platform, the header rows used, who was excluded and why."""
        if self.platform is None:
            return {}
        lines = {"Platform": self.platform}
        lines["Header rows"] = ", ".join(str(r) for r in self.header_rows)
        if self.excluded:
            lines["Excluded respondents"] = "; ".join(
                f"{count} {reason}" for reason, count in self.excluded.items()
            )
        if self.personal:
            lines["Personal data (not read)"] = ", ".join(self.personal)
        return lines


def detect(columns: Sequence[str]) -> Platform | None:
    """The platform whose metadata columns the header holds (Google Forms: ``Timestamp``
    first), or None."""
    present = {str(c).strip() for c in columns}
    for platform in PLATFORMS:
        if platform.name == "Google Forms":
            if columns and str(columns[0]).strip() == "Timestamp":
                return platform
        elif set(platform.signature) <= present:
            return platform
    return None


def header_row_index(rows: Sequence[Sequence[Any]]) -> int | None:
    """The 0-based row among the first rows of a sheet that holds a platform's metadata
    columns (a SurveyMonkey header leaves most matrix cells blank, so the usual header test
    would take its option row instead), or None."""
    for index, row in enumerate(rows):
        cells = [str(c).strip() for c in row if c is not None]
        platform = detect(cells)
        if platform is not None and platform.name != "Google Forms":
            return index
    return None


def recognise(frame: pd.DataFrame, *, keep_unfinished: bool = False) -> tuple[pd.DataFrame, Export]:
    """Read ``frame`` (as :func:`csi_cli.reading.read_table` gives it; index = file rows) as
    its platform writes it.

    Returns the frame of respondents (header rows below the header and excluded respondents
    removed, SurveyMonkey columns renamed "question — option", personal data dropped) and
    the :class:`Export` describing what was done.
    """
    columns = [str(c) for c in frame.columns]
    platform = detect(columns)
    if platform is None:
        return frame, Export()
    header = int(frame.index[0]) - 1 if len(frame) else 1
    header_rows: list[int] = [header]
    questions: dict[str, str] = {}
    if platform.name == "Qualtrics":
        frame, questions, extra = _qualtrics_rows(frame)
        header_rows += extra
    elif platform.name == "SurveyMonkey":
        frame, extra = _surveymonkey_rows(frame)
        header_rows += extra
    if platform.name in ("问卷星", "腾讯问卷"):
        questions = matrix_questions([str(c) for c in frame.columns])
    frame, excluded = _exclusions(frame, platform, keep_unfinished)
    personal = tuple(c for c in frame.columns if c in platform.personal)
    frame = frame.drop(columns=list(personal))
    present = set(frame.columns)
    return frame, Export(
        platform=platform.name,
        header_rows=tuple(header_rows),
        excluded=MappingProxyType(excluded),
        questions=MappingProxyType(questions),
        personal=personal,
        metadata=tuple(c for c in platform.metadata if c in present),
        date=next((c for c in platform.date if c in present), None),
        id=next((c for c in platform.id if c in present), None),
    )


_NUMBERED = re.compile(r"^\s*(?:第)?(\d+)\s*(?:题)?\s*[、.．:：]\s*(.*)$", re.DOTALL)
_MATRIX_SEPARATORS = ("—", "——", "－")


def matrix_questions(columns: Sequence[str]) -> dict[str, str]:
    """Full question texts of matrix rows whose header drops the matrix title (问卷星 and
    腾讯问卷 write "5、请评价—服务态度" for the first row and often "5、环境" or "5、(环境)"
    for the next ones): column → "5、请评价—环境". Columns that carry their title are left
    out."""
    questions: dict[str, str] = {}
    title: tuple[str, str] | None = None  # (question number, matrix title)
    for column in columns:
        match = _NUMBERED.match(column)
        if not match:
            title = None
            continue
        number, text = match.groups()
        head, separator, _ = _split_title(text)
        if separator:
            title = (number, head)
        elif title is not None and title[0] == number:
            row = text.strip().removeprefix("(").removesuffix(")").strip()
            questions[column] = f"{number}、{title[1]}—{row}"
    return questions


def _split_title(text: str) -> tuple[str, str, str]:
    """``(title, separator, row)`` of "title—row" (separator "" when there is none)."""
    for separator in _MATRIX_SEPARATORS:
        head, found, tail = text.rpartition(separator)
        if found and head.strip() and tail.strip():
            return head.strip(), found, tail.strip()
    return text, "", ""


def _qualtrics_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], list[int]]:
    """Rows 2–3 of a Qualtrics export: question texts and ``{"ImportId": …}``."""
    if len(frame) < 2 or not _has_import_ids(frame.iloc[1]):
        if len(frame) and _has_import_ids(frame.iloc[0]):  # "question text" row left out
            return frame.iloc[1:], {}, [int(frame.index[0])]
        return frame, {}, []
    texts = frame.iloc[0]
    questions = {
        str(c): str(t).strip()
        for c, t in texts.items()
        if isinstance(t, str) and t.strip() and t.strip() != str(c)
    }
    return frame.iloc[2:], questions, [int(frame.index[0]), int(frame.index[1])]


def _has_import_ids(row: pd.Series) -> bool:
    return any(isinstance(v, str) and v.startswith(_QUALTRICS_IMPORT) for v in row.to_numpy())


def _surveymonkey_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Row 2 of a SurveyMonkey export: the answer option under each question. A question's
    columns after the first have blank headers; each becomes "question — option"."""
    if not len(frame):
        return frame, []
    options = frame.iloc[0]
    names: list[str] = []
    question = ""
    for position, column in enumerate(frame.columns):
        blank = _BLANK_HEADER.match(str(column))
        if not (blank and int(blank.group(1)) == position + 1):
            question = str(column)
        option = options.iloc[position]
        option = "" if option is None or option is pd.NA or _is_nan(option) else str(option)
        if option.strip().lower() in _SURVEYMONKEY_SINGLE:
            names.append(question if not blank else f"{question} ({position + 1})")
        else:
            names.append(f"{question} — {option.strip()}")
    renamed = frame.iloc[1:].copy()
    renamed.columns = _unique(names)
    return renamed, [int(frame.index[0])]


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and np.isnan(value)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _exclusions(
    frame: pd.DataFrame, platform: Platform, keep_unfinished: bool
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop Qualtrics previews, tests and spam, and unfinished responses unless kept."""
    if platform.name != "Qualtrics" or not len(frame):
        return frame, {}
    reasons = pd.Series("", index=frame.index, dtype=object)
    if "Status" in frame:
        status = frame["Status"].astype("string").str.strip().str.lower().fillna("")
        status = status.str.replace(r"\.0$", "", regex=True)
        reasons = status.map(lambda s: _QUALTRICS_STATUS.get(s, "")).astype(object)
    if "Finished" in frame and not keep_unfinished:
        finished = frame["Finished"].astype("string").str.strip().str.lower().fillna("")
        unfinished = finished.isin(_FALSE).to_numpy() & (reasons == "").to_numpy()
        reasons[unfinished] = "unfinished"
    keep = (reasons == "").to_numpy()
    counts = reasons[~keep].value_counts()
    labels = {
        "preview": "survey previews (Status)",
        "test": "survey tests (Status)",
        "spam": "spam (Status)",
        "unfinished": "unfinished (Finished = False; keep them: [survey] keep_unfinished = true)",
    }
    excluded = {labels.get(k, k): int(v) for k, v in counts.items()}
    return frame.loc[keep], excluded
