"""Small data files shipped with Tocsin (vehicle table)."""

__all__: list[str] = []
