"""Audit values read as "field: old → new", not JSON."""

from __future__ import annotations

import datetime as dt
import json

from scholar_desk.core.services.audit import AuditEntry, describe_change

AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _entry(action, kind, field, old, new) -> AuditEntry:
    return AuditEntry(1, AT, "fellow1", action, kind, 7, field, old, new)


def test_an_update_reads_field_old_arrow_new() -> None:
    entry = _entry("update", "project", "status", "idea", "protocol")
    assert describe_change(entry) == "Status: idea → protocol"


def test_lists_and_empty_values_read_plainly() -> None:
    entry = _entry("update", "project", "tags", json.dumps([]), json.dumps(["knee", "RFA"]))
    assert describe_change(entry) == "tags: — → knee, RFA"


def test_a_created_record_lists_its_values_without_bookkeeping() -> None:
    values = {"title": "Knee RFA", "status": "idea", "created_at": "2026-12-01", "notes": ""}
    entry = _entry("create", "project", "", None, json.dumps(values))
    assert describe_change(entry) == "Title: Knee RFA; Status: idea"
    assert "{" not in describe_change(entry)
