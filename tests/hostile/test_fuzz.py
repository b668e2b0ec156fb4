"""Fuzzing: hypothesis-generated CSVs (random headers, Unicode, blanks, numbers as text, Kano
answers, missing codes) through ``validate`` and ``analyze``. The only outcomes allowed are exit 0,
or exit 2 with a one-line ``csi: error:`` message; never a traceback or an internal error (exit 1),
never NaN or Infinity in the JSON.

The number of examples is bounded for CI (``CSI_FUZZ_EXAMPLES``, default 25, raises it:
``CSI_FUZZ_EXAMPLES=2000 pytest tests/hostile/test_fuzz.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csi_cli.cli import app

runner = CliRunner()

EXAMPLES = int(os.environ.get("CSI_FUZZ_EXAMPLES", "25"))
settings.register_profile(
    "csi-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="CSI_FUZZ_EXAMPLES" not in os.environ,  # CI: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONVENTIONAL = [
    *(f"{c}{i}" for c in ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY") for i in (1, 2)),
    "sat3",
    "NPS",
    "recommend",
    "overall",
    "resp_id",
    "id",
    "日期",
    "month",
    "地区",
    "speed_func",
    "speed_dysf",
    "speed_imp",
    "speed_perf",
    "Q1_E",
    "Q1_P",
    "Q1_MIN",
    "Q1_DES",
]
KANO = ["我很喜欢", "理应如此", "无所谓", "能忍受", "我很不喜欢", "I like it", "1", "5"]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
CELL = st.one_of(
    st.integers(-3, 12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "N/A", "99", "不适用", "７", "1 - bad", "2026-10-03", "nan", "inf"]),
    st.sampled_from(KANO),
    TEXT,
)
HEADER = st.lists(st.one_of(st.sampled_from(CONVENTIONAL), TEXT), min_size=1, max_size=12)


@st.composite
def survey_csv(draw: st.DrawFn) -> tuple[bytes, str]:
    header = draw(HEADER)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace"), encoding


@settings(settings.get_profile("csi-fuzz"))
@given(survey_csv())
def test_random_csv_exits_0_or_2_with_a_message(generated: tuple[bytes, str]) -> None:
    content, _ = generated
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        for args in (
            ["validate", str(path), "--format", "json"],
            ["analyze", str(path), "--format", "json", "--bootstrap", "0"],
        ):
            result = runner.invoke(app, args)
            shown = f"{args[0]}: exit {result.exit_code}\n{result.output}"
            assert result.exit_code in (0, 2), shown
            assert "Traceback" not in result.output, shown
            assert result.exception is None or isinstance(result.exception, SystemExit), shown
            if result.exit_code == 2:
                assert result.stderr.startswith("csi: error: ") or args[0] == "validate", shown
                if args[0] == "validate" and not result.stdout.strip():
                    assert result.stderr.startswith("csi: error: "), shown
            if result.stdout.strip():
                json.loads(result.stdout, parse_constant=_no_constant)
        assert path.read_bytes() == content
        assert [p.name for p in Path(folder).iterdir()] == ["fuzz.csv"]


def _no_constant(token: str) -> None:
    raise AssertionError(f"JSON holds {token}")
