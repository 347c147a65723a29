"""The Python API of issue 8: one sensor interface, truth from flights, propagation that never
stops silently, partner tracking by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import tocsin
from tocsin.errors import InputError
from tocsin.sensors.infrared import ir_observe, ir_possible
from tocsin.sensors.radar import radar_observe, radar_possible

ROOT = Path(__file__).resolve().parent.parent
FRAME = tocsin.EarthFrame(datetime(2026, 11, 29, 12, tzinfo=UTC))


@pytest.fixture(scope="module")
def plan() -> tocsin.LaunchPlan:
    return tocsin.aim("icbm-solid-3", (40.0, 60.0), (60.0, -20.0), launch_time_s=60.0)


@pytest.fixture(scope="module")
def sensors() -> list[tocsin.Sensor]:
    geo = tocsin.KeplerianElements.geo(math.radians(60.0), FRAME)
    ir = tocsin.InfraredSatellite(tocsin.InfraredSensor("geo-1", "blue"),
                                  tocsin.OrbitEphemeris(geo, FRAME))
    radar = tocsin.Radar.early_warning("ewr-1", "blue", math.radians(62.0), math.radians(10.0),
                                       math.radians(90.0))
    return [ir, radar]


def test_propagate_says_when_it_stopped_in_flight(plan: tocsin.LaunchPlan) -> None:
    batch = [plan] * 5
    partial = tocsin.propagate(batch, np.arange(0.0, 600.0, 10.0))
    assert not partial.complete and partial.summary.flying.all()
    assert np.isnan(partial.summary.impact_time_s).all()
    whole = tocsin.propagate(batch)                      # no samples: flown to impact
    assert whole.complete and whole.summary.impacted.all()
    on = tocsin.propagate(batch, np.arange(0.0, 600.0, 10.0), to_impact=True)
    assert on.complete
    np.testing.assert_array_equal(on.summary.impact_time_s, whole.summary.impact_time_s)
    np.testing.assert_array_equal(on.samples.r_ecef_m, partial.samples.r_ecef_m)


def test_sensors_share_one_interface_with_their_functions(
        plan: tocsin.LaunchPlan, sensors: list[tocsin.Sensor]) -> None:
    ir, radar = sensors
    t = tocsin.sample_times(sensors, 0.0, 1500.0)
    truth = tocsin.TruthTable.from_flight(tocsin.LaunchBatch.from_plans([plan]),
                                          tocsin.propagate([plan], t), ["m-1"])
    idx = np.searchsorted(t, radar.times(0.0, 1500.0))
    tr = truth.at(idx)
    np.testing.assert_array_equal(radar.possible(tr), radar_possible(radar, tr))
    a = radar.observe(tr, np.random.default_rng(3), index=4)
    b = radar_observe(radar, 4, tr, np.random.default_rng(3))
    np.testing.assert_array_equal(a.z, b.z)
    sat_r, sat_v = ir.ephemeris.states_ecef(t)
    np.testing.assert_array_equal(ir.possible(truth), ir_possible(ir.payload, sat_r, truth))
    c = ir.observe(truth, np.random.default_rng(5))
    d = ir_observe(ir.payload, 0, sat_r, sat_v, truth, np.random.default_rng(5))
    np.testing.assert_array_equal(c.z, d.z)
    assert ir.kind == tocsin.sensors.IR and radar.kind == tocsin.sensors.RADAR


def test_observe_refuses_a_truth_without_the_sensor_times(
        plan: tocsin.LaunchPlan, sensors: list[tocsin.Sensor]) -> None:
    t = np.arange(0.0, 100.0, 7.0)
    truth = tocsin.TruthTable.from_flight(tocsin.LaunchBatch.from_plans([plan]),
                                          tocsin.propagate([plan], t))
    with pytest.raises(InputError) as e:
        tocsin.observe(sensors, truth)
    assert e.value.field == "sensors[0] (geo-1)" and "sample_times" in str(e.value)


def test_tabulated_ephemeris_serves_only_its_times() -> None:
    geo = tocsin.OrbitEphemeris(tocsin.KeplerianElements.geo(0.0, FRAME), FRAME)
    t = np.arange(0.0, 10.0)
    r, v = geo.states_ecef(t)
    tab = tocsin.TabulatedEphemeris(t, r, v)
    np.testing.assert_array_equal(tab.states_ecef([3.0, 7.0])[0], r[[3, 7]])
    with pytest.raises(InputError, match="no interpolation"):
        tab.states_ecef([3.5])
    # GEO: |r| = 42,164 km (Vallado, Fundamentals of Astrodynamics, 4th ed., §2.2 and ex. 2-1)
    assert np.linalg.norm(r, axis=-1) == pytest.approx(42_164.17e3, rel=2e-4)


def test_truth_from_flight_refuses_names_that_do_not_fit(plan: tocsin.LaunchPlan) -> None:
    flight = tocsin.propagate([plan], np.arange(0.0, 10.0))
    with pytest.raises(InputError, match="object_id"):
        tocsin.TruthTable.from_flight(tocsin.LaunchBatch.from_plans([plan]), flight, ["a", "b"])
    with pytest.raises(InputError, match="flight"):
        tocsin.TruthTable.from_flight(tocsin.LaunchBatch.from_plans([plan]),
                                      tocsin.propagate([plan]))


def test_track_partner_by_hand_matches_the_run() -> None:
    sc = tocsin.load_scenario(ROOT / "scenarios/regional-mrbm.yaml")
    run = tocsin.run_scenario(sc)
    for p in sc.partners:
        pt = tocsin.track_partner(p.id, run.sensors.sensors, run.detections, t1_s=sc.duration_s)
        a = pt.log.arrays()
        b = run.trackers[p.id].log.arrays()
        np.testing.assert_array_equal(a["track_id"], b["track_id"])
        np.testing.assert_array_equal(a["x"], b["x"])
    with pytest.raises(InputError, match="partner"):
        tocsin.partner_tracker("nobody", run.sensors.sensors, 0.0, 10.0)
