"""A fellow's record at work: the CV, ERAS Scholarly Works, program requirements and reviews.

One module per document or view; this facade keeps the names callers use, e.g.
``career.build_cv``.
"""

from scholar_desk.core.services.career.cv import build_cv, export_cv, newest_first
from scholar_desk.core.services.career.works import person_of, works_of

__all__ = ["build_cv", "export_cv", "newest_first", "person_of", "works_of"]
