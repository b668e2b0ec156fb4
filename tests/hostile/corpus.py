"""The hostile-input corpus: one small function per case.

Each function writes its file(s) into a given folder and returns a :class:`Case`: the input, the
commands to run on it, the exit code they must end with, the words their message must contain
(file, sheet, column, rows, the advice) and, for files that are merely unusual, the numbers the
analysis must find. Nothing here is a committed binary: every file is generated per test.

Expected numbers are computed here from the values written (not by csi).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import ecsi_columns, ecsi_rows, survey_table, write_csv, write_xlsx

VALIDATE = "validate"
ANALYZE = "analyze"


@dataclass(frozen=True)
class Case:
    """What one hostile input must do.

    ``commands`` are run one by one (``analyze`` runs with ``--format json --bootstrap 50``,
    ``validate`` with ``--format json``); each must end with ``exits.get(command, exit_code)``.
    ``words`` must all appear in the message (stderr, or the problems of ``validate``);
    ``codes`` are the validation problem codes ``validate`` must report; ``numbers`` maps a path
    into the JSON of ``analyze`` (``"nps.nps"``, ``"index.outer[item=SAT1].mean"``) to its value.
    ``writes`` names the files (relative to the folder) a successful run may create or change;
    ``after`` checks the folder once every command has run; ``unsaid`` are words no command's
    stderr may contain (warnings that do not concern it).
    """

    path: Path
    exit_code: int
    words: tuple[str, ...] = ()
    commands: tuple[tuple[str, ...], ...] = ((VALIDATE,), (ANALYZE,))
    args: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    numbers: Mapping[str, Any] = field(default_factory=dict)
    exits: Mapping[str, int] = field(default_factory=dict)
    output: Path | None = None
    writes: tuple[str, ...] = ()
    after: Callable[[Path], None] | None = None
    unsaid: tuple[str, ...] = ()


# --- helpers -----------------------------------------------------------------------------------


def survey_numbers(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Numbers ``analyze`` must report for a :func:`survey_table`: n, NPS, the mean of SAT1 and the
    regions as read (Chinese text survives the encoding)."""
    nps = [r[header.index("NPS")] for r in rows]
    sat1 = [r[header.index("SAT1")] for r in rows]
    promoters = sum(v >= 9 for v in nps)
    detractors = sum(v <= 6 for v in nps)
    return {
        "n": len(rows),
        "nps.nps": 100 * (promoters - detractors) / len(nps),
        "nps.promoters": promoters,
        "index.outer[item=SAT1].mean": sum(sat1) / len(sat1),
        "kano.attributes[attribute=fast_delivery].n": len(rows),
        "overview.segments.地区": sorted({r[header.index("地区")] for r in rows}),
    }


def _csv_text(header: Sequence[Any], rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _table(n: int = 40, seed: int = 0) -> tuple[list[str], list[list[Any]]]:
    return survey_table(n, seed=seed)


def _column(header: Sequence[str], rows: Sequence[Sequence[Any]], name: str) -> list[Any]:
    return [r[header.index(name)] for r in rows]


# --- encodings and delimiters (merely unusual: exit 0 and the right numbers) ---------------------


def gbk_csv(folder: Path) -> Case:
    header, rows = _table()
    path = write_csv(folder / "gbk.csv", header, rows, encoding="gbk")
    return Case(path, 0, numbers=survey_numbers(header, rows))


def gb18030_csv(folder: Path) -> Case:
    """GB18030 proper: a region name with a character GBK lacks (four-byte sequence)."""
    header, rows = _table()
    for row in rows[::3]:
        row[1] = "𠀀区"
    path = write_csv(folder / "gb18030.csv", header, rows, encoding="gb18030")
    return Case(path, 0, numbers=survey_numbers(header, rows))


def utf16_csv(folder: Path) -> Case:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated, saved as .csv."""
    header, rows = _table()
    path = write_csv(folder / "utf16.csv", header, rows, encoding="utf-16", delimiter="\t")
    return Case(path, 0, numbers=survey_numbers(header, rows))


def utf8_bom_csv(folder: Path) -> Case:
    header, rows = _table()
    path = write_csv(folder / "bom.csv", header, rows, encoding="utf-8-sig")
    return Case(path, 0, numbers=survey_numbers(header, rows))


def excel_csv_utf8(folder: Path) -> Case:
    """Excel's "CSV UTF-8 (Comma delimited)": BOM, CRLF, a title row above the header, quoted
    cells with commas and line breaks."""
    header, rows = _table()
    header = [*header, "备注"]
    rows = [[*r, "送货快,\n包装好" if i % 5 == 0 else ""] for i, r in enumerate(rows)]
    path = write_csv(
        folder / "excel-utf8.csv", header, rows, encoding="utf-8-sig", title=["满意度"]
    )
    return Case(path, 0, numbers=survey_numbers(header, rows))


def semicolon_csv(folder: Path) -> Case:
    """A European-locale Excel export: ``;`` between cells."""
    header, rows = _table()
    path = write_csv(folder / "semicolon.csv", header, rows, delimiter=";", encoding="utf-8-sig")
    return Case(path, 0, numbers=survey_numbers(header, rows))


# --- workbooks ---------------------------------------------------------------------------------


def xlsx_title_row(folder: Path) -> Case:
    """A title in A1 above the header; a text answer in SAT2 of the 3rd respondent → row 5."""
    header, rows = _table(20)
    rows[2][header.index("SAT2")] = "很好"
    path = write_xlsx(folder / "title.xlsx", {"回答": (header, rows)}, title="2026年满意度调查")
    return Case(
        path,
        2,
        words=("title.xlsx", "sheet 回答", "column SAT2", "row 5", "'很好'", "[survey] missing"),
        codes=("text-in-rating",),
    )


def xlsx_merged_header(folder: Path) -> Case:
    """A row of merged group labels (形象 over IMAG1..IMAG2, …) above the real header."""
    import xlsxwriter

    header, rows = _table()
    path = folder / "merged.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Data")
        groups = {"IMAG": "形象", "EXPE": "预期", "QUAL": "质量", "VAL": "价值", "SAT": "满意"}
        for code, label in groups.items():
            first = header.index(f"{code}1")
            sheet.merge_range(0, first, 0, first + 1, label)
        for c, name in enumerate(header):
            sheet.write_string(1, c, name)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                (sheet.write_string if isinstance(value, str) else sheet.write_number)(r, c, value)
    return Case(path, 0, numbers=survey_numbers(header, rows))


def xlsx_several_sheets(folder: Path) -> Case:
    """Two months on two sheets: ``--sheet`` picks the second, whose numbers differ."""
    first = _table(30, seed=1)
    second = _table(40, seed=2)
    path = write_xlsx(folder / "months.xlsx", {"2026-09": first, "2026-10": second})
    return Case(path, 0, args=("--sheet", "2026-10"), numbers=survey_numbers(*second))


def xlsx_unknown_sheet(folder: Path) -> Case:
    path = write_xlsx(folder / "months.xlsx", {"九月": _table(10), "十月": _table(10)})
    return Case(
        path,
        2,
        args=("--sheet", "Sheet1"),
        words=("months.xlsx", "'Sheet1'", "九月", "十月", "--sheet"),
    )


def xlsx_formulas(folder: Path) -> Case:
    """Formula cells with cached results (as Excel saves them): csi reads the results."""
    import xlsxwriter

    header, rows = _table()
    header = [*header, "overall"]
    path = folder / "formulas.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("S")
        for c, name in enumerate(header):
            sheet.write_string(0, c, name)
        sat = [header.index(f"SAT{i}") for i in (1, 2)]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                (sheet.write_string if isinstance(value, str) else sheet.write_number)(r, c, value)
            mean = (row[sat[0]] + row[sat[1]]) / 2
            cells = [xlsxwriter.utility.xl_rowcol_to_cell(r, c) for c in sat]
            sheet.write_formula(r, len(header) - 1, f"=AVERAGE({','.join(cells)})", None, mean)
            rows[r - 1] = [*row, mean]
    numbers = survey_numbers(header, rows)
    return Case(path, 0, numbers=numbers)


def xlsx_dates_as_numbers(folder: Path) -> Case:
    """Dates as Excel serial numbers without a date format (46296 = 2026-10-01): ``report``
    splits the periods right."""
    header, rows = _table(60)
    header = ["date", *header]
    # 2026-09-15 = 46280; 2026-10-01 = 46296
    rows = [[46280 + (i % 2) * 16 + i % 10, *r] for i, r in enumerate(rows)]
    path = write_xlsx(folder / "dates.xlsx", {"S": (header, rows)})
    october = sum(1 for r in rows if r[0] >= 46296)
    return Case(
        path,
        0,
        commands=((VALIDATE,), ("report", "--period", "2026-10", "--bootstrap", "50")),
        numbers={"current.index.n": october, "prior.index.n": len(rows) - october},
    )


def xlsx_hidden_column(folder: Path) -> Case:
    """A hidden column is still data: csi reads it like any other (SAT3 joins the block)."""
    import xlsxwriter

    header, rows = _table()
    header = [*header, "SAT3"]
    rows = [[*r, r[header.index("SAT1")]] for r in rows]
    path = folder / "hidden.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("S")
        sheet.set_column(len(header) - 1, len(header) - 1, None, None, {"hidden": True})
        for c, name in enumerate(header):
            sheet.write_string(0, c, name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                (sheet.write_string if isinstance(value, str) else sheet.write_number)(r, c, value)
    numbers = survey_numbers(header, rows)
    numbers["index.constructs[name=SAT].n_items"] = 3
    return Case(path, 0, numbers=numbers)


def xlsx_empty_sheet(folder: Path) -> Case:
    """The first sheet is empty (the data is on the second): say so and name the sheets."""
    header, rows = _table(10)
    path = write_xlsx(folder / "empty-first.xlsx", {"封面": ([], []), "数据": (header, rows)})
    return Case(path, 2, words=("empty-first.xlsx", "sheet 封面", "no data", "--sheet", "数据"))


def xlsx_only_empty_sheet(folder: Path) -> Case:
    path = write_xlsx(folder / "blank.xlsx", {"Sheet1": ([], [])})
    return Case(path, 2, words=("blank.xlsx", "sheet Sheet1", "no data", "Export"))


def xlsx_far_cell(folder: Path) -> Case:
    """A tiny workbook with one cell in A1 and one in XFD1048576: reading it naively allocates a
    17-billion-cell grid. Refused before reading."""
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>SAT1</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    path = _raw_workbook(folder / "far.xlsx", sheet)
    return Case(
        path, 2, words=("far.xlsx", "sheet S", "1048576 rows", "16384 columns", "--max-cells")
    )


def random_xlsx(folder: Path) -> Case:
    path = folder / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    return Case(path, 2, words=("random.xlsx", "not a valid xlsx", "export CSV"))


def zip_bomb(folder: Path) -> Case:
    """A workbook whose sheet part expands to 3 GiB of blank rows (about 3 MB on disk)."""
    return Case(_bomb(folder / "bomb.xlsx", declared=True), 2, words=("bomb.xlsx", "GiB", "export"))


def zip_bomb_forged(folder: Path) -> Case:
    """The same bomb with the zip directory lying about the size (1 KB declared): reading stops
    at the declared size and calls the file damaged."""
    path = _bomb(folder / "forged.xlsx", declared=False)
    return Case(path, 2, words=("forged.xlsx", "cannot be read", "export CSV"))


def _bomb(path: Path, *, declared: bool, gib: float = 2.5) -> Path:
    """Deflate 16 MiB of blanks once (a full flush makes each block stand alone) and repeat the
    block: a valid deflate stream of ``gib`` GiB built in well under a second. The CRC is left
    at 0: no reader must get far enough to check it."""
    import zlib

    head = b'<?xml version="1.0"?><worksheet xmlns="' + _MAIN + b'"><sheetData>'
    tail = b"</sheetData></worksheet>"
    filler = b" " * (1 << 24)  # whitespace between elements: valid XML
    count = int(gib * 1024**3) // len(filler)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    end = compressor.compress(tail) + compressor.flush()
    data = start + block * count + end
    size = len(head) + count * len(filler) + len(tail)
    _raw_workbook(path, None)
    info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    _append_raw(path, info, data, 0, size if declared else 1024)
    return path


def _append_raw(path: Path, info: zipfile.ZipInfo, data: bytes, crc: int, size: int) -> None:
    """Add an already deflated member with the sizes we choose (a forged one, possibly)."""
    with zipfile.ZipFile(path, "a") as archive:
        archive.fp.seek(archive.start_dir)
        info.header_offset = archive.fp.tell()
        info.CRC = crc
        info.compress_size = len(data)
        info.file_size = size
        info.flag_bits = 0
        archive.fp.write(info.FileHeader(zip64=False))
        archive.fp.write(data)
        archive.start_dir = archive.fp.tell()
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
        archive._didModify = True


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _raw_workbook(path: Path, sheet_rows: str | None) -> Path:
    """A minimal xlsx written by hand (one sheet "S"); ``sheet_rows`` None leaves the sheet part
    out (the caller adds it)."""
    ct = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN.decode()}" xmlns:r="{rel}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", ct)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        if sheet_rows is not None:
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                f'<?xml version="1.0"?><worksheet xmlns="{_MAIN.decode()}"><sheetData>'
                f"{sheet_rows}</sheetData></worksheet>",
            )
    return path


# --- answers -----------------------------------------------------------------------------------


def text_in_rating(folder: Path) -> Case:
    header, rows = _table(20)
    for i in (2, 7):
        rows[i][header.index("QUAL1")] = "见备注"
    path = write_csv(folder / "text.csv", header, rows)
    return Case(
        path,
        2,
        words=(
            "text.csv",
            "column QUAL1",
            "rows 4, 9",
            "'见备注' (2)",
            '[survey] missing = ["见备注"]',
        ),
        codes=("text-in-rating",),
    )


def out_of_scale(folder: Path) -> Case:
    """NPS 12 on a 0–10 scale, SAT1 11 where the spec declares 1–10."""
    header, rows = _table(20)
    rows[3][header.index("NPS")] = 12
    rows[5][header.index("SAT1")] = 11
    path = write_csv(folder / "scale.csv", header, rows)
    spec = folder / "csi.toml"
    spec.write_text("[survey]\nscale = [1, 10]\n", encoding="utf-8")
    return Case(
        path,
        2,
        args=("--spec", str(spec)),
        words=("scale.csv", "column NPS", "row 5", "0–10", "column SAT1", "row 7", "1–10"),
        codes=("out-of-scale", "out-of-scale"),
    )


def undeclared_missing_codes(folder: Path) -> Case:
    """99 without a spec: errors that say to declare it (N/A and 不适用 are missing labels
    csi knows)."""
    header, rows = _missing_table()
    path = write_csv(folder / "codes.csv", header, rows)
    return Case(
        path,
        2,
        words=("codes.csv", "column NPS", "99", "[survey] missing"),
        codes=("out-of-scale", "unknown-scale"),
    )


def declared_missing_codes(folder: Path) -> Case:
    """The same file with ``missing = ["99", "N/A", "不适用"]``: the codes are missing answers,
    and the numbers leave them out."""
    header, rows = _missing_table()
    path = write_csv(folder / "codes.csv", header, rows)
    spec = folder / "csi.toml"
    spec.write_text('[survey]\nmissing = ["99", "N/A", "不适用"]\n', encoding="utf-8")
    codes = {"99", "N/A", "不适用"}
    nps = [v for v in _column(header, rows, "NPS") if str(v) not in codes]
    csi = [header.index(c) for c in ecsi_columns(2)]
    complete = [r for r in rows if not any(str(r[c]) in codes for c in csi)]
    sat1 = [r[header.index("SAT1")] for r in complete]
    return Case(
        path,
        0,
        args=("--spec", str(spec)),
        numbers={
            "n": len(rows),
            "nps.n_answered": len(nps),
            "nps.nps": 100 * (sum(v >= 9 for v in nps) - sum(v <= 6 for v in nps)) / len(nps),
            "index.n_used": len(complete),
            "index.outer[item=SAT1].mean": sum(sat1) / len(sat1),
        },
    )


def _missing_table() -> tuple[list[str], list[list[Any]]]:
    header, rows = _table(40)
    rows[1][header.index("SAT1")] = 99
    rows[4][header.index("SAT1")] = "N/A"
    rows[6][header.index("QUAL2")] = "不适用"
    rows[8][header.index("NPS")] = "不适用"
    rows[9][header.index("NPS")] = 99
    return header, rows


def header_only(folder: Path) -> Case:
    header, _ = _table(1)
    path = write_csv(folder / "header.csv", header, [])
    return Case(
        path, 2, words=("header.csv", "no respondent rows", "Export"), codes=("no-respondents",)
    )


def zero_byte_csv(folder: Path) -> Case:
    path = folder / "zero.csv"
    path.write_bytes(b"")
    return Case(path, 2, words=("zero.csv", "empty (0 bytes)", "Export"))


def zero_byte_xlsx(folder: Path) -> Case:
    path = folder / "zero.xlsx"
    path.write_bytes(b"")
    return Case(path, 2, words=("zero.xlsx", "empty (0 bytes)", "Export"))


def duplicate_columns(folder: Path) -> Case:
    header, rows = _table(20)
    header[header.index("VAL2")] = "VAL1"
    path = write_csv(folder / "dupcol.csv", header, rows)
    return Case(
        path,
        2,
        words=("dupcol.csv", "column VAL1", "2 columns are named 'VAL1'", "Rename"),
        codes=("duplicate-column",),
    )


def duplicate_ids(folder: Path) -> Case:
    header, rows = _table(20)
    rows[9][0] = rows[2][0]
    path = write_csv(folder / "dupid.csv", header, rows)
    return Case(
        path,
        2,
        words=("dupid.csv", "column resp_id", "rows 4, 11", "Remove the repeated"),
        codes=("duplicate-id",),
    )


def no_variance(folder: Path) -> Case:
    header, rows = _table(20)
    for row in rows:
        row[header.index("LOY2")] = 7
    path = write_csv(folder / "flat.csv", header, rows)
    return Case(
        path,
        2,
        words=("flat.csv", "column LOY2", "every respondent answered 7", "Remove it"),
        codes=("no-variance",),
    )


def empty_block(folder: Path) -> Case:
    header, rows = _table(20)
    for row in rows:
        row[header.index("COMP1")] = None
        row[header.index("COMP2")] = None
    path = write_csv(folder / "noblock.csv", header, rows)
    return Case(
        path,
        2,
        words=("noblock.csv", "block COMP", "COMP1, COMP2", "is missing", "remove the block"),
        codes=("empty-block",),
    )


def unknown_kano_answers(folder: Path) -> Case:
    header, rows = _table(20)
    rows[0][header.index("fast_delivery_func")] = "还行吧"
    rows[4][header.index("fast_delivery_func")] = "还行吧"
    path = write_csv(folder / "kano.csv", header, rows)
    return Case(
        path,
        2,
        words=("kano.csv", "column fast_delivery_func", "rows 2, 6", "'还行吧'", "[kano.answers]"),
        codes=("unknown-kano-answer",),
        commands=((VALIDATE,), (ANALYZE,), ("kano",)),
    )


# --- the spec ----------------------------------------------------------------------------------


def _good(folder: Path, name: str = "survey.csv") -> Path:
    header, rows = _table(30)
    return write_csv(folder / name, header, rows)


def spec_syntax_error(folder: Path) -> Case:
    spec = folder / "csi.toml"
    spec.write_text('[survey]\nmissing = ["99", "N/A"\nscale = [1, 10]\n', encoding="utf-8")
    return Case(
        _good(folder), 2, args=("--spec", str(spec)), words=("csi.toml", "not valid TOML", "line")
    )


def spec_unknown_key(folder: Path) -> Case:
    spec = folder / "csi.toml"
    spec.write_text("[kano]\nrules = 'aom'\n", encoding="utf-8")
    return Case(
        _good(folder),
        2,
        args=("--spec", str(spec)),
        words=("csi.toml", "'rules'", "[kano]", "rule"),
    )


def spec_missing_column(folder: Path) -> Case:
    spec = folder / "csi.toml"
    spec.write_text('[survey]\nsegments = ["城市"]\n', encoding="utf-8")
    return Case(
        _good(folder),
        2,
        args=("--spec", str(spec)),
        words=("survey.csv", "[survey] segments", "'城市'", "Correct the spec"),
        codes=("missing-column",),
    )


# --- paths -------------------------------------------------------------------------------------


def output_missing_folder(folder: Path) -> Case:
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        output=folder / "nowhere" / "report.json",
        words=("nowhere", "does not exist", "Create it"),
    )


def output_unwritable_folder(folder: Path) -> Case:
    """A folder the user cannot write to: a read-only folder, or (as root, who may write
    anywhere) a path whose folder is a file."""
    locked = folder / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        (locked / "file").write_text("x")
        target = locked / "file" / "report.json"
        words = ("report.json", "is a file, not a folder")
    else:
        locked.chmod(0o555)
        target = locked / "report.json"
        words = ("report.json", "Permission denied", "folder you can write to")
    return Case(_good(folder), 2, commands=((ANALYZE,),), output=target, words=words)


def missing_input(folder: Path) -> Case:
    return Case(folder / "nope.csv", 2, words=("nope.csv", "not found", "Check the path"))


def huge_csv(folder: Path) -> Case:
    """A 2 GiB CSV (sparse: a real header and 1.6 MB of rows, then a hole): refused before
    reading, by the cell limit, without touching the 2 GiB."""
    columns = ecsi_columns(5)
    rows = ecsi_rows(22_000, columns)
    path = folder / "huge.csv"
    with path.open("wb") as handle:
        handle.write(_csv_text(columns, rows).encode())
        handle.truncate(2 * 1024**3)
    return Case(path, 2, words=("huge.csv", "2.0 GiB", "--max-cells", "cells allowed"))


def hostile_file_name(folder: Path) -> Case:
    """A file name holding a terminal escape and HTML: shown escaped in messages."""
    header, rows = _table(10)
    rows[1][header.index("SAT1")] = "x"
    path = write_csv(folder / "a\x1b[2Jb<img src=x onerror=alert(1)>.csv", header, rows)
    return Case(
        path, 2, words=("a\\x1b[2Jb<img", "column SAT1", "row 3"), codes=("text-in-rating",)
    )


#: Every case, in the order of docs/bad-input.md.
CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        gbk_csv,
        gb18030_csv,
        utf16_csv,
        utf8_bom_csv,
        excel_csv_utf8,
        semicolon_csv,
        xlsx_title_row,
        xlsx_merged_header,
        xlsx_several_sheets,
        xlsx_unknown_sheet,
        xlsx_formulas,
        xlsx_dates_as_numbers,
        xlsx_hidden_column,
        xlsx_empty_sheet,
        xlsx_only_empty_sheet,
        xlsx_far_cell,
        random_xlsx,
        zip_bomb,
        zip_bomb_forged,
        text_in_rating,
        out_of_scale,
        undeclared_missing_codes,
        declared_missing_codes,
        header_only,
        zero_byte_csv,
        zero_byte_xlsx,
        duplicate_columns,
        duplicate_ids,
        no_variance,
        empty_block,
        unknown_kano_answers,
        spec_syntax_error,
        spec_unknown_key,
        spec_missing_column,
        output_missing_folder,
        output_unwritable_folder,
        missing_input,
        huge_csv,
        hostile_file_name,
    )
}
