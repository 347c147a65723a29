"""Run every benchmark in turn (``make bench``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_flight  # noqa: E402
import bench_sensing  # noqa: E402

if __name__ == "__main__":
    bench_flight.main([])
    print()
    bench_sensing.main([])
