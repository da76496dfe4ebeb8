"""What the hub learns from the resident's days: the daily summary for the family."""
