"""A silent infrared-only track seen by one satellite takes no ray of another satellite.

Its range is free along that satellite's line of sight, so any ray of a second satellite near
that line passes the gate and the update triangulates it onto another booster (in the
100-launch benchmark: states ~10⁵–10⁶ m off with σ ≈ 2 km, midcourse NEES up to 10⁸).
"""

from __future__ import annotations

import numpy as np

from tocsin.tracking.infrared_frame import _one_satellite_silent
from tocsin.tracking.log import PHEN_IR, PHEN_RADAR
from tocsin.tracking.partner import PartnerTracker, TrackManager
from tocsin.tracking.roles import GatedPairs
from tocsin.tracking.systracks import ORIGIN_IR_SINGLE, SystemTracks


def _tracker(last_ir_s: float, phen: int, sats: list[int]) -> PartnerTracker:
    # No sensor models: a 10 s frame period; silent after 1 period here.
    pt = PartnerTracker("p", frozenset({0, 1}),
                        manager=TrackManager(new_satellite_silence_periods=1.0))
    ts = SystemTracks.new(np.array([7]), np.zeros((1, 7)), np.eye(7)[None], np.array([0.0]),
                          np.array([ORIGIN_IR_SINGLE], np.int8), np.array([0.0]), 2)
    ts.last_ir_s[:] = last_ir_s
    ts.phen[:] = phen
    pt.tracks = ts
    pt.ir_rays[7] = [(last_ir_s, np.zeros(2), np.eye(2), np.zeros(3), np.eye(3), k) for k in sats]
    return pt


def _pairs() -> GatedPairs:
    return GatedPairs(np.array([0]), np.array([0]), np.zeros((1, 2)), np.eye(2)[None],
                      np.array([1.0]), 13.8)


def test_silent_one_satellite_track_refuses_another_satellites_ray() -> None:
    pt = _tracker(100.0, PHEN_IR, [5, 5, 5])
    assert len(_one_satellite_silent(pt, 116.0, 8, np.array([0]), _pairs())) == 0
    # Its own satellite may still update it (a stage lit again) ...
    assert len(_one_satellite_silent(pt, 116.0, 5, np.array([0]), _pairs())) == 1
    # ... and another satellite may while it is not silent.
    assert len(_one_satellite_silent(pt, 109.0, 8, np.array([0]), _pairs())) == 1


def test_rule_spares_tracks_fixed_by_two_satellites_or_radar() -> None:
    pt = _tracker(100.0, PHEN_IR, [5, 6])
    assert len(_one_satellite_silent(pt, 116.0, 8, np.array([0]), _pairs())) == 1
    pt = _tracker(100.0, PHEN_IR | PHEN_RADAR, [5])
    assert len(_one_satellite_silent(pt, 116.0, 8, np.array([0]), _pairs())) == 1
