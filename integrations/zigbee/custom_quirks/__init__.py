"""Quirks Obhut ships for care sensors zha-quirks lacks; zha loads them as custom quirks.

Each module is self-contained: zha imports them by bare file name, not as this package.
"""
