"""Messages written to the hub's log: for the demo, and for a hub without SMS or e-mail."""

from integrations.console.notifier import ConsoleNotifier

__all__ = ["ConsoleNotifier"]
