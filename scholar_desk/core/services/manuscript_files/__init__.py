"""Files kept with a manuscript, project or abstract: versions, what was sent, counts, packages.

Each file is stored in the database through the blob store (content-addressed, so the
same bytes are kept once) and belongs to the record it was added to: whoever may change
that record may add and remove its files, whoever may read it may read them. Adding a
file with a role (and number) the record already has makes a new version of it. When a
submission is sent (or a revision), the current versions go on record with that move
(`sent_files.record_sent`), so `sent_history` shows exactly what went to each journal.

One module per part (records, store, checks, package); this facade keeps the names
callers use, e.g. ``manuscript_files.add_files``.
"""

from scholar_desk.core.formats.manuscript_docx import DraftCounts
from scholar_desk.core.services.manuscript_files.checks import (
    LIMIT_FIELDS,
    CountLine,
    JournalLimits,
    ManuscriptCheck,
    check_if_possible,
    check_manuscript,
    journal_limits,
    set_journal_limits,
)
from scholar_desk.core.services.manuscript_files.package import (
    PackageSummary,
    SentFileRecord,
    SentRecord,
    build_package,
    package_file_name,
    sent_history,
)
from scholar_desk.core.services.manuscript_files.records import (
    MAX_DATABASE_FILE_BYTES,
    MAX_FILE_BYTES,
    NUMBERED_ROLES,
    OWNER_KINDS,
    ROLES,
    FileRecord,
    FileSnapshot,
)
from scholar_desk.core.services.manuscript_files.store import (
    add_files,
    check_file,
    compare_versions,
    draft_counts,
    get_file,
    list_files,
    remove_file,
    restore_file,
    save_copy,
    temporary_copy,
)

__all__ = [
    "LIMIT_FIELDS",
    "MAX_DATABASE_FILE_BYTES",
    "MAX_FILE_BYTES",
    "NUMBERED_ROLES",
    "OWNER_KINDS",
    "ROLES",
    "CountLine",
    "DraftCounts",
    "FileRecord",
    "FileSnapshot",
    "JournalLimits",
    "ManuscriptCheck",
    "PackageSummary",
    "SentFileRecord",
    "SentRecord",
    "add_files",
    "build_package",
    "check_file",
    "check_if_possible",
    "check_manuscript",
    "compare_versions",
    "draft_counts",
    "get_file",
    "journal_limits",
    "list_files",
    "package_file_name",
    "remove_file",
    "restore_file",
    "save_copy",
    "sent_history",
    "set_journal_limits",
    "temporary_copy",
]
