"""The submission workflow: dated status moves, resubmission chains and revision rounds.

A submission's status moves only along `SUBMISSION_TRANSITIONS`. Each move is a dated
`SubmissionEvent` carrying who made it. A rejected (or withdrawn) manuscript goes on as
a new submission to another journal whose ``previous_id`` points back, so the whole
path of a manuscript across journals stays visible as a chain.

A decision asking for a revision opens a revision round (received that day); sending
the revision closes it. The round holds the reviewers' points, each with a response,
where the text was changed and a done flag.

One module per part (records, status, chains, rounds, authors); this facade keeps the
names callers use, e.g. ``submissions.change_status``.
"""

from scholar_desk.core.records import REVISION_STATUSES
from scholar_desk.core.services.submissions.authors import (
    manuscript_authors,
    set_manuscript_authors,
)
from scholar_desk.core.services.submissions.chains import (
    chain,
    manuscript_chains,
    timeline,
)
from scholar_desk.core.services.submissions.records import (
    RESUBMITTABLE,
    AuthorRecord,
    ChainEntry,
    PointRecord,
    RoundRecord,
    TimelineEvent,
)
from scholar_desk.core.services.submissions.rounds import (
    add_point,
    add_round,
    delete_point,
    remove_round,
    reorder_points,
    restore_point,
    round_points,
    round_progress,
    rounds,
    step_point,
    update_point,
    update_round,
)
from scholar_desk.core.services.submissions.status import (
    allowed_moves,
    change_status,
    earliest_move_date,
    resubmit,
    undo_move,
)

__all__ = [
    "RESUBMITTABLE",
    "REVISION_STATUSES",
    "AuthorRecord",
    "ChainEntry",
    "PointRecord",
    "RoundRecord",
    "TimelineEvent",
    "add_point",
    "add_round",
    "allowed_moves",
    "chain",
    "change_status",
    "delete_point",
    "earliest_move_date",
    "manuscript_authors",
    "manuscript_chains",
    "remove_round",
    "reorder_points",
    "restore_point",
    "resubmit",
    "round_points",
    "round_progress",
    "rounds",
    "set_manuscript_authors",
    "step_point",
    "timeline",
    "undo_move",
    "update_point",
    "update_round",
]
