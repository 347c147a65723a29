"""Small data files shipped with Tocsin (vehicle table)."""
