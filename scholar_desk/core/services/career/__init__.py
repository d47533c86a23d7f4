"""A fellow's record at work: the CV, ERAS Scholarly Works, program requirements and reviews.

One module per document or view; this facade keeps the names callers use, e.g.
``career.build_cv``.
"""

from scholar_desk.core.services.career.cv import build_cv, export_cv, newest_first
from scholar_desk.core.services.career.program import (
    IN_PROGRESS,
    MET,
    NOT_STARTED,
    FellowProgress,
    ItemStage,
    RequirementProgress,
    current_program,
    example_text,
    fellow_progress,
    program_progress,
    set_program,
    stored_text,
    with_requirements,
)
from scholar_desk.core.services.career.works import person_of, works_of

__all__ = [
    "IN_PROGRESS",
    "MET",
    "NOT_STARTED",
    "FellowProgress",
    "ItemStage",
    "RequirementProgress",
    "build_cv",
    "current_program",
    "example_text",
    "export_cv",
    "fellow_progress",
    "newest_first",
    "person_of",
    "program_progress",
    "set_program",
    "stored_text",
    "with_requirements",
    "works_of",
]
