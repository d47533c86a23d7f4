"""A fellow's record at work: the CV, ERAS Scholarly Works, program requirements and reviews.

One module per document or view; this facade keeps the names callers use, e.g.
``career.build_cv``.

The parts are imported on first use of one of their names: the dashboard shows the
program's requirements, and needs neither the CV's nor the packet's document writers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scholar_desk.core.services.facades import lazy_names

if TYPE_CHECKING:
    from scholar_desk.core.services.career.acgme import (
        AcgmeUpdate,
        acgme_update,
        parse_year,
    )
    from scholar_desk.core.services.career.cv import (
        build_cv,
        export_cv,
        newest_first,
    )
    from scholar_desk.core.services.career.eras import (
        build_eras,
        export_eras,
    )
    from scholar_desk.core.services.career.meetings import (
        MeetingAction,
        MeetingInfo,
        add_action,
        list_meetings,
        record_meeting,
    )
    from scholar_desk.core.services.career.outline import (
        current_program,
        example_text,
        fellows_in_view,
        stored_text,
    )
    from scholar_desk.core.services.career.packet import (
        build_packet,
        export_packet,
        review_period,
    )
    from scholar_desk.core.services.career.program import (
        IN_PROGRESS,
        MET,
        NOT_STARTED,
        FellowProgress,
        ItemStage,
        RequirementProgress,
        fellow_progress,
        program_progress,
        set_program,
        with_requirements,
    )
    from scholar_desk.core.services.career.works import (
        person_of,
        works_of,
    )

_PARTS: dict[str, tuple[str, ...]] = {
    "acgme": (
        "AcgmeUpdate",
        "acgme_update",
        "parse_year",
    ),
    "cv": (
        "build_cv",
        "export_cv",
        "newest_first",
    ),
    "eras": (
        "build_eras",
        "export_eras",
    ),
    "meetings": (
        "MeetingAction",
        "MeetingInfo",
        "add_action",
        "list_meetings",
        "record_meeting",
    ),
    "packet": (
        "build_packet",
        "export_packet",
        "review_period",
    ),
    "program": (
        "IN_PROGRESS",
        "MET",
        "NOT_STARTED",
        "FellowProgress",
        "ItemStage",
        "RequirementProgress",
        "fellow_progress",
        "program_progress",
        "set_program",
        "with_requirements",
    ),
    "outline": (
        "current_program",
        "example_text",
        "fellows_in_view",
        "stored_text",
    ),
    "works": (
        "person_of",
        "works_of",
    ),
}
"""Which module of this package defines each name the facade offers."""
__getattr__ = lazy_names(__name__, _PARTS, globals())


__all__ = [
    "IN_PROGRESS",
    "MET",
    "NOT_STARTED",
    "AcgmeUpdate",
    "FellowProgress",
    "ItemStage",
    "MeetingAction",
    "MeetingInfo",
    "RequirementProgress",
    "acgme_update",
    "add_action",
    "build_cv",
    "build_eras",
    "build_packet",
    "current_program",
    "example_text",
    "export_cv",
    "export_eras",
    "export_packet",
    "fellow_progress",
    "fellows_in_view",
    "list_meetings",
    "newest_first",
    "parse_year",
    "person_of",
    "program_progress",
    "record_meeting",
    "review_period",
    "set_program",
    "stored_text",
    "with_requirements",
    "works_of",
]
