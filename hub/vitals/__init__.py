"""Vital signs: what can be measured, what is possible, what is normal, resting rates."""
