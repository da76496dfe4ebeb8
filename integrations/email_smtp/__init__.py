"""E-mail through the home's SMTP server."""

from integrations.email_smtp.notifier import EmailNotifier

__all__ = ["EmailNotifier"]
