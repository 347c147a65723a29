"""Thin command-line shell: parse, call the core, print."""
