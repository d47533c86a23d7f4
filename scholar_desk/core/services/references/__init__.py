"""The reference library: import with duplicate checks, merge, keys, search, edit, export.

Every function takes a `Session` first and returns plain records; an import runs in the
caller's one transaction, so a cancel, an error or a crash leaves the library as it was.
The library is shared: everyone with access reads it, and every function that writes takes
the `Actor` second and asks `permissions` (kind ``reference``) before it changes anything.

One module per part (records, reading, duplicates, keys, merges, importing, queries,
edits, export; snapshots and restore take writes back); this facade keeps the names
callers use, e.g. ``references.import_files``.

The parts are imported on first use of one of their names: the window opening on the
references table needs the queries, not the file readers (bibtexparser, pylatexenc,
rispy) or the fuzzy duplicate check (rapidfuzz).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scholar_desk.core.services.facades import lazy_names

if TYPE_CHECKING:
    from scholar_desk.core.services.references.edits import (
        delete_references,
        regenerate_keys,
        restore_keys,
        set_tags,
        update_reference,
    )
    from scholar_desk.core.services.references.export import (
        export_bib,
    )
    from scholar_desk.core.services.references.importing import (
        STORE_CHUNK,
        import_files,
        import_parsed,
    )
    from scholar_desk.core.services.references.keys import (
        make_key,
    )
    from scholar_desk.core.services.references.merges import (
        merge_exact_duplicates,
    )
    from scholar_desk.core.services.references.queries import (
        CITING_MODELS,
        SORT_COLUMNS,
        cited_by,
        citing_records,
        count_references,
        dropped_ids,
        fetch_rows,
        first_screen,
        get_reference,
        links_of,
        list_references,
        matching_ids,
        narrows,
        records_for,
        reference_ids,
        search_words,
    )
    from scholar_desk.core.services.references.reading import (
        detect_format,
        read_file,
        read_files,
    )
    from scholar_desk.core.services.references.records import (
        CHUNK,
        DEFAULT_KEY_PATTERN,
        EDITABLE,
        FUZZY_MIN_LENGTH,
        FUZZY_THRESHOLD,
        REFERENCE_KIND,
        DuplicateMatch,
        FileProblem,
        FileSummary,
        ImportChanges,
        ImportReport,
        LinkInfo,
        MergeSummary,
        OnDuplicate,
        ProgressCallback,
        ReferenceDetail,
        ReferenceSnapshot,
    )
    from scholar_desk.core.services.references.records import (
        _row as _row,
    )
    from scholar_desk.core.services.references.restore import (
        delete_references_undoably,
        restore_references,
        undo_import,
        undo_merge,
    )
    from scholar_desk.core.services.references.snapshots import (
        _REFERENCES as _REFERENCES,
    )
    from scholar_desk.core.services.references.table import ReferenceRow

_PARTS: dict[str, tuple[str, ...]] = {
    "edits": (
        "delete_references",
        "regenerate_keys",
        "restore_keys",
        "set_tags",
        "update_reference",
    ),
    "export": ("export_bib",),
    "importing": ("STORE_CHUNK", "import_files", "import_parsed"),
    "keys": ("make_key",),
    "merges": ("merge_exact_duplicates",),
    "queries": (
        "CITING_MODELS",
        "SORT_COLUMNS",
        "cited_by",
        "citing_records",
        "count_references",
        "dropped_ids",
        "fetch_rows",
        "first_screen",
        "get_reference",
        "links_of",
        "list_references",
        "matching_ids",
        "narrows",
        "records_for",
        "reference_ids",
        "search_words",
    ),
    "reading": ("detect_format", "read_file", "read_files"),
    "records": (
        "CHUNK",
        "DEFAULT_KEY_PATTERN",
        "EDITABLE",
        "FUZZY_MIN_LENGTH",
        "FUZZY_THRESHOLD",
        "REFERENCE_KIND",
        "DuplicateMatch",
        "FileProblem",
        "FileSummary",
        "ImportChanges",
        "ImportReport",
        "LinkInfo",
        "MergeSummary",
        "OnDuplicate",
        "ProgressCallback",
        "ReferenceDetail",
        "ReferenceSnapshot",
        "_row",
    ),
    "restore": ("delete_references_undoably", "restore_references", "undo_import", "undo_merge"),
    "snapshots": ("_REFERENCES",),
    "table": ("ReferenceRow",),
}
"""Which module of this package defines each name the facade offers."""
__getattr__ = lazy_names(__name__, _PARTS, globals())


__all__ = [
    "CHUNK",
    "CITING_MODELS",
    "DEFAULT_KEY_PATTERN",
    "EDITABLE",
    "FUZZY_MIN_LENGTH",
    "FUZZY_THRESHOLD",
    "REFERENCE_KIND",
    "SORT_COLUMNS",
    "STORE_CHUNK",
    "DuplicateMatch",
    "FileProblem",
    "FileSummary",
    "ImportChanges",
    "ImportReport",
    "LinkInfo",
    "MergeSummary",
    "OnDuplicate",
    "ProgressCallback",
    "ReferenceDetail",
    "ReferenceRow",
    "ReferenceSnapshot",
    "cited_by",
    "citing_records",
    "count_references",
    "delete_references",
    "delete_references_undoably",
    "detect_format",
    "dropped_ids",
    "export_bib",
    "fetch_rows",
    "first_screen",
    "get_reference",
    "import_files",
    "import_parsed",
    "links_of",
    "list_references",
    "make_key",
    "matching_ids",
    "merge_exact_duplicates",
    "narrows",
    "read_file",
    "read_files",
    "records_for",
    "reference_ids",
    "regenerate_keys",
    "restore_keys",
    "restore_references",
    "search_words",
    "set_tags",
    "undo_import",
    "undo_merge",
    "update_reference",
]
