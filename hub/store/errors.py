"""What the store raises."""


class StoreError(Exception):
    """The store could not do what was asked; the message says why, for the installer."""
