"""Reading a BibTeX file or text into records, broken blocks reported with their line."""

from __future__ import annotations

from pathlib import Path

from bibtexparser import model

from scholar_desk.core.formats.bibtex.entries import (
    _add_entry,
    _add_model_entry,
    _check_implicit,
    _skip,
)
from scholar_desk.core.formats.bibtex.splitting import _FastEntry, split_blocks
from scholar_desk.core.formats.bibtex.values import _TooLargeError, _Values
from scholar_desk.core.formats.reference import (
    MAX_EXPANSION_CHARS,
    ParseResult,
    Problem,
    RecordFeed,
    RecordListener,
    drop_oversized,
    parse_path,
    shorten,
)


def parse_file(path: Path) -> ParseResult:
    """Read a BibTeX file.

    Args:
        path: The ``.bib`` file.

    Returns:
        Records, problems and blocks to keep.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    return parse_path(path, parse_text)


def parse_text(
    text: str, source: str = "", on_records: RecordListener | None = None
) -> ParseResult:
    """Read BibTeX text; every entry block becomes a record or a skipped problem.

    Args:
        text: The file's text.
        source: The file name, for reports and the records' ``source``.
        on_records: Given the records a batch at a time as they are read (`RecordFeed`).

    Returns:
        Records, problems and blocks to keep.
    """
    text = text.removeprefix("\ufeff")
    result = ParseResult(source=source)
    try:
        blocks = split_blocks(text)
    except RecursionError:
        result.problems.append(
            Problem(1, "The file nests braces too deeply to be read.", shorten(text), "skipped")
        )
        return result
    strings: dict[str, str] = {}
    values = _Values(strings, MAX_EXPANSION_CHARS + 2 * len(text))
    first_line: dict[str, int] = {}
    entry_keys: set[str] = set()
    string_keys: set[str] = set()
    feed = RecordFeed(result, on_records)
    # Taken off the list as they are read, each block is freed once read: freed all at
    # once at the end, 20,000 of them kept the interpreter (and a window waiting for
    # it) busy for 30 ms in one go.
    blocks.reverse()
    while blocks:
        start_line, block = blocks.pop()
        feed.poll()
        line = start_line + 1
        if isinstance(block, _FastEntry):
            if block.key in entry_keys:
                _duplicate_entry(block, line, values, result, first_line)
            else:
                entry_keys.add(block.key)
                _add_entry(
                    block.entry_type, block.key, block.fields, line, values, result, first_line
                )
            continue
        if isinstance(block, model.DuplicateBlockKeyBlock):
            # Keys are checked across the whole file below, not per part the splitter saw.
            inner = block.ignore_error_block
            if isinstance(inner, model.Entry | model.String):
                block = inner
        if isinstance(block, model.Entry):
            if block.key in entry_keys:
                _duplicate_entry(_FastEntry.of(block), line, values, result, first_line)
            else:
                entry_keys.add(block.key)
                _add_model_entry(block, line, values, result, first_line)
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            if isinstance(entry, model.Entry):
                names = ", ".join(sorted(block.duplicate_keys))
                result.problems.append(
                    Problem(
                        line,
                        f"The field {names} appears twice in this entry; the first is kept.",
                        shorten(block.raw or ""),
                    )
                )
                _add_model_entry(entry, line, values, result, first_line)
            else:
                _skip(block, line, result)
        elif isinstance(block, model.ParsingFailedBlock):
            _skip(block, line, result)
        elif isinstance(block, model.String):
            if block.key in string_keys:
                result.problems.append(
                    Problem(
                        line, f"@string '{block.key}' is defined again; the new value is used."
                    )
                )
            string_keys.add(block.key)
            try:
                strings[block.key.lower()] = values.evaluate(block.value)
                values.oversized.discard(block.key.lower())
            except _TooLargeError:
                strings.pop(block.key.lower(), None)
                values.oversized.add(block.key.lower())
                result.problems.append(
                    Problem(
                        line,
                        f"@string '{block.key}' is larger than 1 MB after macro expansion; "
                        "fields that use it are left out.",
                    )
                )
            result.blocks.append(("string", (block.raw or "").strip()))
        elif isinstance(block, model.Preamble):
            result.blocks.append(("preamble", (block.raw or "").strip()))
        elif isinstance(block, model.ExplicitComment):
            result.blocks.append(("comment", (block.raw or "").strip()))
        elif isinstance(block, model.ImplicitComment):
            _check_implicit(block, line, result)
    feed.close()
    drop_oversized(result)
    return result


def _duplicate_entry(
    entry: _FastEntry,
    line: int,
    values: _Values,
    result: ParseResult,
    first_line: dict[str, int],
) -> None:
    first = first_line.get(entry.key.lower(), 0)
    result.problems.append(
        Problem(
            line,
            f"The key '{entry.key}' is used again (first on line {first}); "
            "this entry gets a new key.",
            shorten(entry.raw),
        )
    )
    _add_entry(entry.entry_type, entry.key, entry.fields, line, values, result, first_line)
