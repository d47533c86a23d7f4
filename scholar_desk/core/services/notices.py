"""Retractions, expressions of concern and withdrawals kept for references.

Read in plain SQL (`references.table`), so the references table can flag rows before
SQLAlchemy is loaded; these names are kept for the lookup service and its callers.
"""

from __future__ import annotations

from scholar_desk.core.services.references.table import StoredNotice as StoredNotice
from scholar_desk.core.services.references.table import serious_notices as serious_notices
