"""Scenarios shipped with Tocsin (the demo's flagship)."""
