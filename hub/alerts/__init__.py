"""Alerts: from a finding to a person who can help, and back."""
