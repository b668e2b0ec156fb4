"""Write ONE set of survey responses as each survey platform exports it, plus its
convention-named form, for the tests in ``tests/exports/``.

Run ``python tests/exports/make_exports.py OUT_DIR`` (seeded: the same files every time); the
tests call :func:`write_all` into a temporary folder. The formats follow the platforms' own
exports as documented in ``tests/exports/README.md``.

The truth built in
------------------
240 respondents of one store, October 2026, three regions.

**CSI (CCSI model, 14 items on 1–5).** Standardized latent variables

    EXPE = 0.50 IMAG
    QUAL = 0.60 EXPE
    VAL  = 0.20 EXPE + 0.60 QUAL
    SAT  = 0.20 IMAG + 0.10 EXPE + 0.40 QUAL + 0.30 VAL
    LOY  = 0.30 IMAG + 0.60 SAT

(each plus a disturbance giving it unit variance). Items are ``0.85 · LV + 0.53 · noise`` mapped
to 1–5 as ``round(3 + 1.1 x)`` clipped. Blocks: IMAG 2 (image, reputation), EXPE 2 (expected
quality and reliability), QUAL 3 (quality, reliability, meets needs), VAL 2 (quality given
price, price given quality), SAT 3 (overall, compared with expectations, compared with the
ideal), LOY 2 (return, recommend on 1–5). Five respondents skipped QUAL2 (blank; "(跳过)" in
问卷星 text exports, −3 in its code exports).

**NPS** (0–10) = clip(round(7 + 2 · LOY + N(0, 1))).

**Kano** (standard table): free parking attractive (functional mostly "like", dysfunctional
mostly "neutral"/"live with"), free Wi-Fi must-be (functional "must be"/"neutral",
dysfunctional mostly "dislike").

**Gaps** (1–7): expectations 4–7; perception = clip(round(E + g + N(0, 0.8))) with g = −1.0
(staff friendly), −0.3 (clean), −0.6 (waiting time).

Each platform export holds exactly these responses (Qualtrics adds 2 survey previews and 3
unfinished responses, which csi must exclude), with the platform's metadata columns, personal
data (IP, e-mail, names, location) and answer labels.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261201
N = 240
REGIONS_ZH = ("华东", "华北", "华南")
REGIONS_EN = ("East", "North", "South")
PATHS = {
    "EXPE": {"IMAG": 0.5},
    "QUAL": {"EXPE": 0.6},
    "VAL": {"EXPE": 0.2, "QUAL": 0.6},
    "SAT": {"IMAG": 0.2, "EXPE": 0.1, "QUAL": 0.4, "VAL": 0.3},
    "LOY": {"IMAG": 0.3, "SAT": 0.6},
}
ITEMS = {"IMAG": 2, "EXPE": 2, "QUAL": 3, "VAL": 2, "SAT": 3, "LOY": 2}
GAP_SHIFT = {"friendly": -1.0, "clean": -0.3, "waiting": -0.6}
KANO_TRUTH = {"parking": "A", "wifi": "M"}
SKIPPED = 5  # respondents who skipped QUAL2

ZH = {
    "IMAG": ("请您对本店的形象进行评价", ("本店口碑很好", "本店值得信赖")),
    "EXPE": ("在光顾本店之前，您对以下方面的期望", ("总体质量", "服务可靠性")),
    "QUAL": ("请您评价本店的以下方面", ("总体质量", "服务的可靠性", "满足您需求的程度")),
    "VAL": ("考虑到价格，您如何评价本店的质量", "考虑到质量，您如何评价本店的价格"),
    "SAT": ("总体而言，您对本店满意吗", "与您的期望相比，您对本店的满意程度",
            "与理想中的商店相比，您对本店的满意程度"),
    "LOY": ("您会再次光顾本店吗", "您会向亲友推荐本店吗"),
    "NPS": "您有多大可能向朋友或同事推荐本店？（0-10分）",
    "KANO": ("如果本店{}{}，您的感受是？", "提供", "不提供",
             {"parking": "免费停车", "wifi": "免费WiFi"}),
    "GAP": ("您期望的服务", "您实际感受到的服务",
            {"friendly": "员工友好", "clean": "环境整洁", "waiting": "等候时间短"}),
    "REGION": "您所在的地区",
}  # fmt: skip
EN = {
    "IMAG": ("Please rate the store's image",
             ("The store has a good reputation", "The store is trustworthy")),
    "EXPE": ("Before your visit, what did you expect of the following",
             ("Overall quality", "Reliability of service")),
    "QUAL": ("Please rate the store on the following",
             ("Overall quality", "Reliability of service", "How well it meets your needs")),
    "VAL": ("Given the price you paid, how would you rate the quality?",
            "Given the quality you received, how would you rate the price?"),
    "SAT": ("Overall, how satisfied are you with the store?",
            "Compared with your expectations, how satisfied are you with the store?",
            "Compared with an ideal store, how satisfied are you with the store?"),
    "LOY": ("How likely are you to shop at the store again?",
            "How likely are you to recommend the store to friends and family?"),
    "NPS": "On a scale from 0 to 10, how likely is it that you would recommend the store to a "
           "friend or colleague?",
    "KANO": ("If the store {} {}, how do you feel?", "offers", "does not offer",
             {"parking": "free parking", "wifi": "free Wi-Fi"}),
    "GAP": ("What you expected", "What you experienced",
            {"friendly": "Staff are friendly", "clean": "The store is clean",
             "waiting": "Waiting time is short"}),
    "REGION": "Which region do you live in?",
}  # fmt: skip
LABELS_ZH = {
    "IMAG": ("非常不同意", "不同意", "一般", "同意", "非常同意"),
    "EXPE": ("非常差", "差", "一般", "好", "非常好"),
    "QUAL": ("非常差", "差", "一般", "好", "非常好"),
    "VAL": ("非常差", "差", "一般", "好", "非常好"),
    "SAT": ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    "LOY": ("一定不会", "可能不会", "不确定", "可能会", "一定会"),
    "KANO": ("我喜欢这样", "它理应如此", "我无所谓", "我能忍受", "我不喜欢这样"),
}
_QUALITY_EN = ("Poor", "Fair", "Good", "Very good", "Excellent")
LABELS_EN = {
    "IMAG": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
             "Strongly agree"),
    "EXPE": _QUALITY_EN,
    "QUAL": _QUALITY_EN,
    "VAL": _QUALITY_EN,
    "SAT": ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
            "Satisfied", "Very satisfied"),
    "LOY": ("Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely", "Very likely"),
    "KANO": ("I like it that way", "It must be that way", "I am neutral",
             "I can live with it that way", "I dislike it that way"),
}  # fmt: skip


@dataclass(frozen=True)
class Truth:
    """The responses: one row per respondent, convention-named columns."""

    frame: pd.DataFrame
    times: pd.Series


def make_truth(seed: int = SEED) -> Truth:
    """The designed responses (see the module docstring)."""
    rng = np.random.default_rng(seed)
    latent = {"IMAG": rng.standard_normal(N)}
    for construct, preds in PATHS.items():
        mean = sum(w * latent[p] for p, w in preds.items())
        latent[construct] = mean + np.sqrt(max(1 - np.var(mean), 0.2)) * rng.standard_normal(N)
    data: dict[str, np.ndarray] = {}
    data["id"] = np.arange(1, N + 1)
    data["region"] = np.array(REGIONS_ZH, dtype=object)[rng.integers(0, 3, N)]
    for construct, count in ITEMS.items():
        for k in range(1, count + 1):
            x = 0.85 * latent[construct] + np.sqrt(1 - 0.85**2) * rng.standard_normal(N)
            data[f"{construct}{k}"] = np.clip(np.round(3 + 1.1 * x), 1, 5)
    data["QUAL2"][rng.choice(N, SKIPPED, replace=False)] = np.nan
    data["NPS"] = np.clip(np.round(7 + 2 * latent["LOY"] + rng.standard_normal(N)), 0, 10)
    data["parking_func"] = rng.choice([1, 1, 1, 2, 3], N)
    data["parking_dysf"] = rng.choice([3, 3, 4, 4, 5], N)
    data["wifi_func"] = rng.choice([2, 2, 3, 3, 1], N)
    data["wifi_dysf"] = rng.choice([5, 5, 5, 5, 4], N)
    for item, shift in GAP_SHIFT.items():
        expected = rng.integers(4, 8, N)
        data[f"{item}_E"] = expected
        perceived = np.round(expected + shift + 0.8 * rng.standard_normal(N))
        data[f"{item}_P"] = np.clip(perceived, 1, 7)
    start = pd.Timestamp("2026-10-01 08:00:00")
    times = start + pd.to_timedelta(np.sort(rng.integers(0, 30 * 86400, N)), unit="s")
    frame = pd.DataFrame(data)
    frame.insert(1, "date", times.strftime("%Y-%m-%d %H:%M:%S"))
    return Truth(frame, pd.Series(times))


# --- the question columns of each language -------------------------------------------------


def _questions(lang: dict) -> list[tuple[str, str, str]]:
    """``(truth column, construct, question text)`` in questionnaire order; matrix rows as
    ``(title, row)`` joined later by each platform's own style."""
    out = [("region", "REGION", lang["REGION"])]
    for construct in ("IMAG", "EXPE", "QUAL"):
        title, rows = lang[construct]
        out += [(f"{construct}{k + 1}", construct, (title, row)) for k, row in enumerate(rows)]
    for construct in ("VAL", "SAT", "LOY"):
        out += [(f"{construct}{k + 1}", construct, q) for k, q in enumerate(lang[construct])]
    out.append(("NPS", "NPS", lang["NPS"]))
    template, yes, no, attrs = lang["KANO"]
    for attr, words in attrs.items():
        out.append((f"{attr}_func", "KANO", template.format(yes, words)))
        out.append((f"{attr}_dysf", "KANO", template.format(no, words)))
    expected, experienced, rows = lang["GAP"]
    for title, suffix in ((expected, "E"), (experienced, "P")):
        out += [(f"{item}_{suffix}", "GAP", (title, row)) for item, row in rows.items()]
    return out


def _answers(truth: Truth, column: str, construct: str, labels: dict | None) -> pd.Series:
    """A column's answers: labels (text export) or the numbers themselves."""
    values = truth.frame[column]
    if column == "region":
        if labels is LABELS_EN:
            return values.map(dict(zip(REGIONS_ZH, REGIONS_EN, strict=True)))
        return values
    if labels is None or construct not in labels:
        return values.astype(object).where(values.notna(), None).map(_plain)
    table = labels[construct]
    return values.map(lambda v: None if pd.isna(v) else table[int(v) - 1])


def _plain(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _numbered(questions: list, sep: str, carry_title: bool) -> list[str]:
    """问卷星 / 腾讯问卷 headers: "N、question"; a matrix's first row "N、title—row", later
    rows "N、row" (问卷星) or the full "N.title—row" (腾讯问卷)."""
    names, number, last_title = [], 0, None
    for _, _, text in questions:
        if isinstance(text, tuple):
            title, row = text
            if title != last_title:
                number += 1
                names.append(f"{number}{sep}{title}—{row}")
            else:
                names.append(
                    f"{number}{sep}{row}" if carry_title else f"{number}{sep}{title}—{row}"
                )
            last_title = title
        else:
            number += 1
            last_title = None
            names.append(f"{number}{sep}{text}")
    return names


# --- platforms --------------------------------------------------------------------------------


def wjx(truth: Truth, kind: str) -> pd.DataFrame:
    """问卷星 download: 按文本 (``text``), 按序号 (``code``) or 按分数 (``score``)."""
    questions = _questions(ZH)
    rng = np.random.default_rng(SEED + 1)
    frame = pd.DataFrame(
        {
            "序号": truth.frame["id"],
            "提交答卷时间": truth.times.dt.strftime("%Y/%m/%d %H:%M:%S"),
            "所用时间": [f"{s}秒" for s in rng.integers(60, 600, N)],
            "来源": "手机提交",
            "来源详情": "直接访问",
            "来自IP": [f"113.{a}.{b}.7(江苏-南京)" for a, b in rng.integers(0, 255, (N, 2))],
        }
    )
    names = _numbered(questions, "、", carry_title=True)
    for name, (column, construct, _) in zip(names, questions, strict=True):
        if kind == "text":
            answers = _answers(truth, column, construct, LABELS_ZH)
            frame[name] = answers.map(lambda v: "(跳过)" if v is None else v)
        else:
            values = truth.frame[column]
            if column == "region":
                values = values.map({r: i + 1 for i, r in enumerate(REGIONS_ZH)})
            frame[name] = values.fillna(-3).astype(int)
    if kind == "score":
        frame["总分"] = frame[names[1:15]].sum(axis=1)
    return frame


def tencent(truth: Truth) -> pd.DataFrame:
    """腾讯问卷 export (answers as option text)."""
    questions = _questions(ZH)
    frame = pd.DataFrame(
        {
            "编号": truth.frame["id"],
            "开始答题时间": (truth.times - pd.Timedelta(minutes=4)).dt.strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "结束答题时间": truth.times.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "答题时长": 240,
            "地理位置国家和地区": "中国",
            "地理位置省": "江苏",
            "地理位置市": "南京",
            "自定义字段": "",
        }
    )
    names = _numbered(questions, ".", carry_title=False)
    for name, (column, construct, _) in zip(names, questions, strict=True):
        frame[name] = _answers(truth, column, construct, LABELS_ZH)
    return frame


def _qualtrics_rows(truth: Truth) -> list[list[str]]:
    questions = _questions(EN)
    codes, texts, imports = [], [], []
    number, sub, last = 0, 0, None
    for _, _, text in questions:
        if isinstance(text, tuple):
            if text[0] != last:
                number, sub = number + 1, 0
            sub += 1
            codes.append(f"Q{number}_{sub}")
            texts.append(f"{text[0]} - {text[1]}")
            imports.append(json.dumps({"ImportId": f"QID{number}_{sub}"}))
            last = text[0]
        else:
            number, last = number + 1, None
            codes.append(f"Q{number}")
            texts.append(text)
            imports.append(json.dumps({"ImportId": f"QID{number}"}))
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
            "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage"]  # fmt: skip
    meta_text = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
                 "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
                 "Recipient Last Name", "Recipient First Name", "Recipient Email",
                 "External Data Reference", "Location Latitude", "Location Longitude",
                 "Distribution Channel", "User Language"]  # fmt: skip
    meta_import = [
        json.dumps({"ImportId": k, "timeZone": "America/Denver"}) if "Date" in k
        else json.dumps({"ImportId": k})
        for k in ("startDate", "endDate", "status", "ipAddress", "progress", "duration",
                  "finished", "recordedDate", "_recordId", "recipientLastName",
                  "recipientFirstName", "recipientEmail", "externalDataReference",
                  "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage")
    ]  # fmt: skip
    rows = [meta + codes, meta_text + texts, meta_import + imports]
    answers = [_answers(truth, c, k, LABELS_EN) for c, k, _ in questions]
    for i in range(N):
        when = truth.times.iloc[i].strftime("%Y-%m-%d %H:%M:%S")
        metadata = [when, when, "IP Address", f"73.1.{i % 250}.9", "100", "300", "True", when,
                    f"R_{i:04d}x", "Li", "Wei", f"p{i}@example.com", "", "39.7", "-104.9",
                    "anonymous", "EN"]  # fmt: skip
        rows.append(metadata + ["" if pd.isna(a.iloc[i]) else str(a.iloc[i]) for a in answers])
    junk = [str(a.iloc[0]) for a in answers]
    for k, (status, finished) in enumerate([("Survey Preview", "True")] * 2 + [("IP Address",
                                            "False")] * 3):  # fmt: skip
        metadata = ["2026-10-02 09:00:00"] * 2 + [status, "", "40" if finished == "False" else
                    "100", "60", finished, "2026-10-02 09:00:00", f"R_x{k}", "", "", "", "", "",
                    "", "preview" if status != "IP Address" else "anonymous", "EN"]  # fmt: skip
        rows.insert(3 + 40 * (k + 1), metadata + junk)
    return rows


def _surveymonkey(truth: Truth) -> list[list[object]]:
    questions = _questions(EN)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    head, sub, last = list(meta), [""] * len(meta), None
    for _, _, text in questions:
        if isinstance(text, tuple):
            head.append(text[0] if text[0] != last else "")
            sub.append(text[1])
            last = text[0]
        else:
            head.append(text)
            sub.append("Response")
            last = None
    rows: list[list[object]] = [head, sub]
    answers = [_answers(truth, c, k, LABELS_EN) for c, k, _ in questions]
    for i in range(N):
        when = truth.times.iloc[i]
        stamp = when.strftime("%m/%d/%Y %I:%M:%S %p")
        metadata = [11400000000 + i, 4200001, stamp, stamp, f"73.2.{i % 250}.1", "", "", "", ""]
        rows.append(metadata + ["" if pd.isna(a.iloc[i]) else a.iloc[i] for a in answers])
    return rows


def google(truth: Truth) -> pd.DataFrame:
    """Google Forms responses (Sheets → CSV): Timestamp, grids as "Question [Row]"."""
    frame = pd.DataFrame(
        {
            "Timestamp": truth.times.dt.strftime("%-m/%-d/%Y %H:%M:%S"),
            "Email Address": [f"u{i}@example.com" for i in range(N)],
        }
    )
    for column, construct, text in _questions(EN):
        name = f"{text[0]} [{text[1]}]" if isinstance(text, tuple) else text
        frame[name] = _answers(truth, column, construct, LABELS_EN)
    return frame


def msforms(truth: Truth) -> pd.DataFrame:
    """Microsoft Forms responses (Excel): one column per question or Likert statement."""
    frame = pd.DataFrame(
        {
            "ID": truth.frame["id"],
            "Start time": (truth.times - pd.Timedelta(minutes=3)).dt.strftime(
                "%-m/%-d/%y %H:%M:%S"
            ),
            "Completion time": truth.times.dt.strftime("%-m/%-d/%y %H:%M:%S"),
            "Email": "anonymous",
            "Name": "",
            "Last modified time": "",
        }
    )
    for column, construct, text in _questions(EN):
        if isinstance(text, tuple):
            title, row = text
            # Likert statements are the headers: each must say what it asks on its own.
            name = {"EXPE": f"Before my visit I expected: {row}", "GAP": f"{title}: {row}"}.get(
                construct, row
            )
        else:
            name = text
        frame[name] = _answers(truth, column, construct, LABELS_EN)
    return frame


# --- writing --------------------------------------------------------------------------------


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    frame.to_excel(path, index=False, sheet_name="Sheet1")


def _write_rows_csv(rows: list[list[object]], path: Path, encoding: str = "utf-8-sig") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


def _write_rows_xlsx(rows: list[list[object]], path: Path) -> None:
    pd.DataFrame(rows).to_excel(path, index=False, header=False, sheet_name="Sheet1")


#: file name → writer; each writes one platform's export of the same responses.
EXPORTS: dict[str, Callable[[Truth, Path], None]] = {
    "wjx_text.xlsx": lambda t, p: _write_xlsx(wjx(t, "text"), p),
    "wjx_code.xlsx": lambda t, p: _write_xlsx(wjx(t, "code"), p),
    "wjx_score.csv": lambda t, p: wjx(t, "score").to_csv(p, index=False, encoding="gb18030"),
    "tencent.xlsx": lambda t, p: _write_xlsx(tencent(t), p),
    "qualtrics.csv": lambda t, p: _write_rows_csv(_qualtrics_rows(t), p),
    "surveymonkey.xlsx": lambda t, p: _write_rows_xlsx(_surveymonkey(t), p),
    "google_forms.csv": lambda t, p: google(t).to_csv(p, index=False),
    "msforms.xlsx": lambda t, p: _write_xlsx(msforms(t), p),
}


def write_all(folder: Path) -> dict[str, Path]:
    """Write the convention-named file and every platform export into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    truth = make_truth()
    paths = {"convention.csv": folder / "convention.csv"}
    truth.frame.to_csv(paths["convention.csv"], index=False)
    for name, writer in EXPORTS.items():
        paths[name] = folder / name
        writer(truth, paths[name])
    return paths


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "exports")).values():
        print(written)
