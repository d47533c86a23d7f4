"""A small results table: read it from CSV, TSV or a spreadsheet's clipboard, lay it out.

An abstract may carry one table (rows x columns of short text, the first row its header)
that the deck's Results slide and the poster show as a real table. It is stored as JSON
on the abstract; `parse_table` reads what a person typed, pasted or saved, and
`table_box` measures every cell with the fonts' metrics so each row is as tall as its
text needs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats.layout import Color, Insets, Paragraph, Run, TableBox
from scholar_desk.core.formats.text_fit import (
    FontFace,
    inner_width,
    paragraphs_height_emu,
    text_width_pt,
)
from scholar_desk.core.formats.typography import typeset

MAX_ROWS = 12
MAX_COLUMNS = 6
MAX_CELL_CHARS = 120
FIELD = "results table"


@dataclass(frozen=True)
class ResultsTable:
    """Rows of cells, the first row the header, and an optional caption.

    Attributes:
        rows: Every row has the same number of cells.
        caption: Shown above the table ("Table 1. ...").
    """

    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return len(self.rows), len(self.rows[0]) if self.rows else 0

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps({"caption": self.caption, "rows": [list(r) for r in self.rows]})

    @classmethod
    def from_json(cls, text: str) -> ResultsTable | None:
        """Read the stored form; ``None`` for an empty or unreadable value."""
        if not text.strip():
            return None
        try:
            data = json.loads(text)
            rows = tuple(tuple(str(c) for c in row) for row in data.get("rows", []))
        except (ValueError, AttributeError, TypeError):
            return None
        return cls(rows, str(data.get("caption", ""))) if rows else None

    def to_tsv(self) -> str:
        """Tab-separated rows, as a spreadsheet copies them."""
        return "\n".join("\t".join(row) for row in self.rows)


def parse_table(text: str, *, source: str = "the table", delimiter: str = "") -> ResultsTable:
    """Read a table from CSV or tab-separated text.

    Args:
        text: The rows; tabs (a spreadsheet's clipboard) or commas separate cells.
        source: Named in messages (a file name).
        delimiter: a comma or a tab; empty to tell from the text (tabs win).

    Returns:
        The table with trailing empty rows and columns dropped and short rows padded.

    Raises:
        ValidationError: Empty, too large, or a cell too long; the message names the line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        raise ValidationError({FIELD: f"{source} has no rows."})
    delimiter = delimiter or ("\t" if "\t" in text else ",")
    rows = [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    while width and not any(len(r) >= width and r[width - 1] for r in rows):
        width -= 1
    if len(rows) < 2 or width < 2:
        raise ValidationError(
            {FIELD: f"{source} needs a header row and at least one row of two cells."}
        )
    if len(rows) > MAX_ROWS or width > MAX_COLUMNS:
        raise ValidationError(
            {
                FIELD: f"{source} has {len(rows)} rows x {width} columns; a poster or slide "
                f"table holds at most {MAX_ROWS} x {MAX_COLUMNS}. Keep the main results."
            }
        )
    for line, row in enumerate(rows, start=1):
        for cell in row:
            if len(cell) > MAX_CELL_CHARS:
                raise ValidationError(
                    {
                        FIELD: f"{source}, line {line}: a cell has {len(cell)} characters "
                        f"(at most {MAX_CELL_CHARS}); shorten '{cell[:30]}...'."
                    }
                )
    padded = tuple(tuple((row + [""] * width)[:width]) for row in rows)
    return ResultsTable(padded)


def table_box(
    table: ResultsTable,
    x: int,
    y: int,
    w: int,
    size_pt: float,
    face: FontFace,
    *,
    insets: Insets,
    header_fill: Color,
    header_color: Color,
    band_fill: Color | None,
    color: Color,
    floor_pt: float,
) -> TableBox:
    """Measure ``table`` at ``size_pt`` in a width of ``w`` EMU.

    Columns get widths in proportion to their longest cell (each at least a share of the
    width that holds its longest word); rows are as tall as their tallest cell.

    Returns:
        The table placed at ``(x, y)``.
    """
    ncols = table.shape[1]
    text = [[typeset(cell) for cell in row] for row in table.rows]
    natural = [
        max(
            text_width_pt(row[c], size_pt, face, (r == 0, False, False))
            for r, row in enumerate(text)
        )
        for c in range(ncols)
    ]
    longest_word = [
        max(
            (
                text_width_pt(word, size_pt, face, (r == 0, False, False))
                for r, row in enumerate(text)
                for word in row[c].split(" ")
            ),
            default=0.0,
        )
        for c in range(ncols)
    ]
    pad_pt = (insets.left + insets.right) / 12_700
    total = sum(natural) + pad_pt * ncols
    width_pt = w / 12_700
    if total <= width_pt:
        shares = [(n + pad_pt) / total for n in natural]
    else:
        floor = [min(lw + pad_pt, width_pt / ncols) for lw in longest_word]
        rest = width_pt - sum(floor)
        extra = [max(0.0, n + pad_pt - f) for n, f in zip(natural, floor, strict=True)]
        spread = sum(extra) or 1.0
        shares = [
            (f + max(0.0, rest) * e / spread) / width_pt for f, e in zip(floor, extra, strict=True)
        ]
    widths = [round(w * share) for share in shares]
    widths[-1] = w - sum(widths[:-1])
    cells: list[tuple[tuple[Paragraph, ...], ...]] = []
    heights: list[int] = []
    for r, row in enumerate(text):
        row_cells = []
        tallest = 0
        for c, cell in enumerate(row):
            paras = (
                Paragraph(
                    (Run(cell),),
                    size_pt,
                    bold=r == 0,
                    align="left" if c == 0 else "center",
                    line_factor=1.15,
                ),
            )
            row_cells.append(paras)
            need = paragraphs_height_emu(paras, inner_width(widths[c], insets), face)
            tallest = max(tallest, need + insets.top + insets.bottom)
        cells.append(tuple(row_cells))
        heights.append(tallest)
    return TableBox(
        x,
        y,
        w,
        sum(heights),
        tuple(cells),
        tuple(widths),
        tuple(heights),
        font=face.family,
        insets=insets,
        header_fill=header_fill,
        header_color=header_color,
        band_fill=band_fill,
        color=color,
        floor_pt=floor_pt,
        name="Results table",
    )
