"""A simulated resident for the demo: a scripted day, played on the hub's clock."""
