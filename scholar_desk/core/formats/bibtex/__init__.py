"""BibTeX files <-> `ParsedReference` records, on bibtexparser v2's splitter.

bibtexparser splits the file into blocks (and reports broken ones with their line); this
module does the rest itself because the generic middlewares are either slow (LaTeX
decoding through pylatexenc for every value) or too lenient (a macro that is not defined
silently stays as its name). For each entry it resolves ``@string`` macros, month names
and ``#`` concatenation, decodes LaTeX with `latex.decode`, splits names into parts,
and keeps every other field verbatim.

One module per part (values, parsing, splitting, entries, writing); this facade keeps
the names callers use, e.g. ``bibtex.parse_text``.
"""

from scholar_desk.core.formats.bibtex.parsing import (
    parse_file,
    parse_text,
)
from scholar_desk.core.formats.bibtex.splitting import (
    split_blocks,
)
from scholar_desk.core.formats.bibtex.values import (
    MONTHS,
)
from scholar_desk.core.formats.bibtex.writing import (
    entry_fields,
    format_entry,
    write,
)
from scholar_desk.core.formats.reference import ParseResult

__all__ = [
    "MONTHS",
    "ParseResult",
    "entry_fields",
    "format_entry",
    "parse_file",
    "parse_text",
    "split_blocks",
    "write",
]
