"""Platform exports of one set of responses give exactly the numbers of its convention-named
form: with a hand-written spec (``specs/``, written from the file's header, the file never
edited) and with the unedited draft of ``csi init``.

The files are written by ``make_exports.py`` (seeded; its docstring states the truth).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from csi_cli.cli import app
from csi_cli.survey import load
from tests.exports.make_exports import EXPORTS, KANO_TRUTH, N, make_truth, write_all

runner = CliRunner()
SPECS = Path(__file__).parent / "specs"
ANALYSES = ("index", "kano", "gap", "nps")
PLATFORM = {
    "wjx_text.xlsx": "问卷星",
    "wjx_code.xlsx": "问卷星",
    "wjx_score.csv": "问卷星",
    "tencent.xlsx": "腾讯问卷",
    "qualtrics.csv": "Qualtrics",
    "surveymonkey.xlsx": "SurveyMonkey",
    "google_forms.csv": "Google Forms",
    "msforms.xlsx": "Microsoft Forms",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("exports"))


def analyze(path: Path, *args: str) -> tuple[int, dict | None, str]:
    result = runner.invoke(app, ["analyze", str(path), "-f", "json", "--bootstrap", "0", *args])
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, document, result.stderr


def numbers(value: object) -> list:
    """Every number (and flag) of a JSON document, in order: names differ between the
    platform and the convention files, the numbers must not."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return [value] if value is None or isinstance(value, (bool, int, float)) else []


@pytest.fixture(scope="module")
def convention(files) -> dict:
    code, document, stderr = analyze(files["convention.csv"])
    assert code == 0, stderr
    return document


def test_the_convention_file_holds_the_designed_truth(convention):
    """Checked against the generator's truth directly, not against csi's other outputs."""
    frame = make_truth().frame
    nps = frame["NPS"].to_numpy()
    expected_nps = 100 * (np.mean(nps >= 9) - np.mean(nps <= 6))
    assert convention["nps"]["nps"] == pytest.approx(expected_nps)
    categories = {a["attribute"]: a["category"] for a in convention["kano"]["attributes"]}
    assert categories == KANO_TRUTH
    gaps = {i["item"]: i["gap"] for i in convention["gap"]["items"]}
    for item in ("friendly", "clean", "waiting"):
        assert gaps[item] == pytest.approx((frame[f"{item}_P"] - frame[f"{item}_E"]).mean())
    paths = {(p["from"], p["to"]): p["estimate"] for p in convention["index"]["paths"]}
    assert paths[("SAT", "LOY")] == max(v for (_, to), v in paths.items() if to == "LOY")


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_hand_written_spec_gives_the_convention_numbers(files, convention, name):
    spec = SPECS / name.replace(".xlsx", ".toml").replace(".csv", ".toml")
    code, document, stderr = analyze(files[name], "--spec", str(spec))
    assert code == 0, stderr
    assert document["n"] == N
    for analysis in ANALYSES:
        assert numbers(document[analysis]) == numbers(convention[analysis]), analysis


@pytest.mark.parametrize("name", list(EXPORTS))
def test_the_unedited_draft_gives_the_convention_numbers(files, convention, name, tmp_path):
    """All eight exports (six platforms) run with the draft as `csi init` writes it."""
    spec = tmp_path / "csi.toml"
    drafted = runner.invoke(app, ["init", str(files[name]), "-o", str(spec)])
    assert drafted.exit_code == 0, drafted.stderr
    assert "from the question wording" in spec.read_text(encoding="utf-8")
    code, document, stderr = analyze(files[name], "--spec", str(spec))
    assert code == 0, stderr
    for analysis in ANALYSES:
        assert numbers(document[analysis]) == numbers(convention[analysis]), analysis


@pytest.mark.parametrize("name", list(EXPORTS))
def test_the_platform_is_named_and_personal_data_is_never_read(files, name):
    survey = load(files[name])
    assert survey.export.platform == PLATFORM[name]
    assert survey.export.describe()["Platform"] == PLATFORM[name]
    assert not set(survey.export.personal) & set(survey.frame.columns)
    for fmt in ("json", "md"):
        result = runner.invoke(
            app,
            ["analyze", str(files[name]), "--spec", str(SPECS / f"{Path(name).stem}.toml"),
             "--bootstrap", "0", "-f", fmt],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        # The values the generator wrote into e-mail, IP and location columns appear nowhere.
        for value in ("@example.com", "113.", "73.1.", "73.2.", "江苏", "南京"):
            assert value not in result.stdout


def test_qualtrics_previews_and_unfinished_are_excluded_and_counted(files, tmp_path):
    survey = load(files["qualtrics.csv"])
    assert survey.n == N
    assert survey.export.header_rows == (1, 2, 3)
    excluded = survey.export.describe()["Excluded respondents"]
    assert "2 survey previews" in excluded and "3 unfinished" in excluded
    assert survey.export.questions["Q2_1"].startswith("Please rate the store's image - ")
    spec = tmp_path / "keep.toml"
    spec.write_text("[survey]\nkeep_unfinished = true\n", encoding="utf-8")
    kept = load(files["qualtrics.csv"], spec_path=spec)
    assert kept.n == N + 3
    assert "3 unfinished" not in kept.export.describe().get("Excluded respondents", "")


def test_surveymonkey_rows_become_question_option_names(files):
    survey = load(files["surveymonkey.xlsx"])
    assert survey.export.header_rows == (1, 2)
    assert "What you experienced — Waiting time is short" in survey.frame.columns
    assert survey.layout.id == "Respondent ID" and survey.layout.date == "End Date"


def test_submit_time_is_the_date_and_the_serial_the_id(files):
    survey = load(files["wjx_text.xlsx"])
    assert (survey.layout.date, survey.layout.id) == ("提交答卷时间", "序号")
    assert load(files["google_forms.csv"]).layout.date == "Timestamp"
    assert load(files["msforms.xlsx"]).layout.id == "ID"


@pytest.mark.parametrize("name", list(EXPORTS))
def test_without_a_spec_analyze_never_exits_0_having_analysed_nothing(files, name):
    code, document, stderr = analyze(files[name])
    assert code == 2 and document is None
    assert "no analysis applies" in stderr and "csi init" in stderr
