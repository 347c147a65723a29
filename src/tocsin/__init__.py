"""Tocsin: a federated ballistic-missile early-warning network, simulated end to end.

The chain (``DESIGN.md``): earth → flight → sensors → tracking → assessment → warning, with
network, scenario, analysis and the CLI around it. Units are SI inside; frames are in the names.
"""

from tocsin.errors import InputError, TocsinError

__version__ = "0.1.0"
__all__ = ["TocsinError", "InputError", "__version__"]
