"""No numerical warning reaches a user: runs and the IR association with warnings as errors.

Issue 8: ``tocsin run`` printed ``RuntimeWarning: invalid value encountered in divide`` from
tracking/infrared.py. The cause found: the pair gate divided miss² by the miss variance for
every candidate pair before masking, and for two rays leaving the same point at the same time
(two infrared sensors at one GEO slot) both are zero. Such a pair carries no range and is gated
out anyway; now nothing is divided for it.
"""

from __future__ import annotations

import math
import warnings
from datetime import UTC, datetime

import numpy as np

from ir_rays import ir_rays  # tests/ir_rays.py
from tocsin.earth.frames import EarthFrame
from tocsin.earth.wgs84 import geodetic_to_ecef
from tocsin.flight.orbits import ElementsBatch, KeplerianElements, satellite_states_ecef
from tocsin.scenario.loader import parse_scenario
from tocsin.scenario.runner import run_scenario
from tocsin.tracking.infrared import associate_los

DEG = math.pi / 180.0
SIGMA = 30e-6
FRAME = EarthFrame(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))




def test_co_located_sensors_associate_without_warnings() -> None:
    els = [KeplerianElements.geo(lon * DEG, FRAME) for lon in (-100.0, -100.0, -60.0)]
    r, v = satellite_states_ecef(ElementsBatch.from_elements(els), FRAME, np.array([0.0]))
    r, v = r[:, 0], v[:, 0]
    pts = geodetic_to_ecef(np.array([40.0, 30.0]) * DEG, np.array([-100.0, -90.0]) * DEG, 20e3)
    s = np.array([0, 0, 1, 1, 2, 2])          # sensors 0 and 1 share one GEO slot
    det = ir_rays(pts[[0, 1, 0, 1, 0, 1]], r[s], v[s], s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sets = associate_los(det)
    # Each point is triangulated with the distant satellite; the twins alone give no range.
    for m in sets.members:
        assert 2 in s[m[m >= 0]].tolist()
    assert sets.members.shape[0] == 2


SINGLE_GEO = """
name: single GEO, one MRBM
epoch: 2026-11-29T03:00:00Z
duration_s: 420
seed: 42
partners: [{id: alpha}]
satellites:
  - {id: alpha-geo, owner: alpha, orbit: {kind: geo, lon_deg: 130},
     sensor: {frame_period_s: 10, mode: look-down, false_alarms_per_frame: 1.0}}
launches:
  - {id: mrbm-a, vehicle: mrbm-1, launch: {lat_deg: 39.0, lon_deg: 125.5},
     target: {lat_deg: 35.0, lon_deg: 136.0}, time_s: 20}
"""


def test_single_geo_scenario_runs_without_warnings() -> None:
    # The shape of scenarios/regional-mrbm.yaml with its one GEO satellite only (and more false
    # alarms, so single-ray starts and their launch areas are exercised).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = run_scenario(parse_scenario(SINGLE_GEO))
    assert res is not None
