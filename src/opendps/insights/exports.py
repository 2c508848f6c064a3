"""CSV and XLSX exports of the insight tables: the same cells as the page, as values.

Numbers stay numbers (pounds to the penny, percentages 0–100 to one place), months are
written as ``YYYY-MM`` in CSV and as dates shown as "September 2026" in XLSX. Text that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is defused: CSV cells get a leading apostrophe (OWASP, "CSV injection")
and XLSX cells are stored as plain strings.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from opendps.insights.tables import Kind, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_FORMATS = {
    Kind.INT: "#,##0",
    Kind.MONEY: '"£"#,##0.00',
    Kind.PERCENT: "0.0",
    Kind.MONTH: "mmmm yyyy",
    Kind.DATE: "d mmmm yyyy",
}


def _csv_cell(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.MONTH and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if kind == Kind.TEXT and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def table_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark, so spreadsheets read '£' and Welsh."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_cell(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\ and unique."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Table"
    name, counter = clean, 2
    while name.lower() in used:
        suffix = f" ({counter})"
        name = clean[: 31 - len(suffix)] + suffix
        counter += 1
    used.add(name.lower())
    return name


def tables_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table, with a bold header row and number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([column.label for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row_index, row in enumerate(table.rows, start=2):
            for col_index, (value, column) in enumerate(
                zip(row, table.columns, strict=True), start=1
            ):
                cell = sheet.cell(row=row_index, column=col_index)
                if isinstance(value, bool):
                    cell.value = "yes" if value else "no"
                elif isinstance(value, Decimal | int | float | date) or value is None:
                    cell.value = value
                else:
                    cell.value = str(value)
                    # openpyxl would store "=..." as a formula: keep it a string.
                    cell.data_type = "s"
                if column.kind in XLSX_FORMATS and value is not None:
                    cell.number_format = XLSX_FORMATS[column.kind]
        for col_index, column in enumerate(table.columns, start=1):
            letter = sheet.cell(row=1, column=col_index).column_letter
            sheet.column_dimensions[letter].width = max(12, min(60, len(column.label) + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
