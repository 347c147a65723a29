"""Thin command-line shell: parse, call the core, print."""

__all__: list[str] = []
