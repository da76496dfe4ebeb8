"""The hub's memory: observations, current state, deadlines, alerts, outbox and audit log."""

from hub.store.db import Store
from hub.store.errors import StoreError
from hub.store.migrations import SchemaTooNew
from hub.store.overlay import AuditEntry
from hub.store.retention import DailyAggregate

__all__ = ["AuditEntry", "DailyAggregate", "SchemaTooNew", "Store", "StoreError"]
