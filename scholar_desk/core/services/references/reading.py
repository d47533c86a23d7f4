"""Reading reference files (BibTeX, RIS, MEDLINE) before anything is written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from scholar_desk.core.errors import (
    ImportFileError,
)
from scholar_desk.core.formats.reference import (
    ParseResult,
    RecordListener,
    read_text,
    require_entries,
)
from scholar_desk.core.progress import (
    CancelToken,
    ProgressSink,
    full_collections_deferred,
    no_progress,
)


def detect_format(path: Path, text: str) -> str:
    """``bibtex``, ``ris`` or ``medline`` from the extension, else from the content.

    Raises:
        ImportFileError: The file is in none of these formats.
    """
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex", ".biblatex"):
        return "bibtex"
    if suffix == ".ris":
        return "ris"
    if suffix in (".nbib", ".medline"):
        return "medline"
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if re.match(r"TY  -", head) or re.search(r"(?m)^TY  - ", head):
        return "ris"
    if re.search(r"(?m)^PMID {0,3}- ?\d", head):
        return "medline"
    if re.search(r"@\s*[A-Za-z]+\s*[{(]", text[:200000]):
        return "bibtex"
    raise ImportFileError(
        f"{path.name} is not a BibTeX, RIS or PubMed/MEDLINE file.",
        f"suffix {suffix!r}; no entry found",
    )


def read_file(path: Path, on_records: RecordListener | None = None) -> ParseResult:
    """Read one reference file of any supported format.

    Args:
        path: The file.
        on_records: Given the records a batch at a time as they are read (`RecordFeed`).

    Returns:
        What it holds.

    Raises:
        ImportFileError: The file cannot be read, decoded or recognised.
    """
    if not path.is_file():
        raise ImportFileError(f"{path} does not exist or is not a file.")
    text, encoding, warnings = read_text(path)
    kind = detect_format(path, text)
    # Each reader is loaded for a file of its kind (an import of a .bib needs no RIS).
    if kind == "bibtex":
        from scholar_desk.core.formats import bibtex

        result = bibtex.parse_text(text, path.name, on_records)
    elif kind == "ris":
        from scholar_desk.core.formats import ris

        result = ris.parse_text(text, path.name, on_records)
    else:
        from scholar_desk.core.formats import medline

        result = medline.parse_text(text, path.name, on_records)
    result.encoding = encoding
    result.problems[:0] = warnings
    require_entries(result, path.name)
    return result


def read_files(
    paths: Sequence[Path],
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    on_records: RecordListener | None = None,
) -> list[ParseResult]:
    """Read every file; an unusable one stops the import, and nothing of it is kept.

    ``on_records`` is given each file's records a batch at a time as they are read: an
    import on a server stores them meanwhile, inside its transaction, which the error of
    a later file (or Cancel) rolls back.

    Raises:
        ImportFileError: One of the files cannot be used.
        CancelledError: Cancel was asked for.
    """
    results = []
    with full_collections_deferred():
        for number, path in enumerate(paths):
            if cancel is not None:
                cancel.check()
            progress(number, len(paths), f"Reading {path.name}")
            results.append(read_file(Path(path), on_records))
    return results
