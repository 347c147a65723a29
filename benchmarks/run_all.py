"""Run every benchmark in turn (``make bench``).

Flight propagation (issue 2), sensing (issue 3), tracking head to head with Stone Soup (issue
4: 10 and 100 targets with 10 clutter points per scan; the full 10/100/1,000 × 10/100 matrix is
``python benchmarks/mtt_vs_stonesoup.py --matrix``, about 15 minutes) and the per-partner track
scores over the example scenarios and the 100-launch scenario (issue 7).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_flight  # noqa: E402
import bench_sensing  # noqa: E402
import bench_tracking  # noqa: E402
import mtt_vs_stonesoup  # noqa: E402

if __name__ == "__main__":
    bench_flight.main([])
    print()
    bench_sensing.main([])
    print()
    mtt_vs_stonesoup.main(["--matrix", "--matrix-targets", "10,100", "--matrix-clutter", "10"])
    print()
    bench_tracking.main([])
