"""Writes waiting for the next flush, in the order they were made."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.store.codec import AuditRow, DeadlineRow, ObservationRow


@dataclass(slots=True)
class Batch:
    """What one flush commits in one transaction."""

    observations: list[ObservationRow] = field(default_factory=list)
    # Last write per key wins: None is a deletion. All of a batch commits at once, so only the
    # final state of each key matters.
    deadlines: dict[str, DeadlineRow | None] = field(default_factory=dict)
    audits: list[AuditRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.observations) + len(self.deadlines) + len(self.audits)

    def copy(self) -> Batch:
        return Batch(list(self.observations), dict(self.deadlines), list(self.audits))


class WriteQueue:
    """Taken whole by a flush, and put back in front if the flush fails."""

    def __init__(self) -> None:
        self.batch = Batch()
        self.since = 0.0  # time.monotonic() of the first write into the empty queue

    def __len__(self) -> int:
        return len(self.batch)

    def take(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch

    def put_back(self, older: Batch) -> None:
        """Requeue a failed batch ahead of what was written since, keeping the order."""
        newer = self.batch
        older.observations.extend(newer.observations)
        older.deadlines.update(newer.deadlines)
        older.audits.extend(newer.audits)
        self.batch = older
