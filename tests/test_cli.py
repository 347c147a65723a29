"""The `tocsin` command line: JSON fields, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json
import math

import pytest

from tocsin.cli.main import main
from tocsin.errors import InputError


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_fly_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fly", "--launch", "41,-101", "--target", "51,31", "--vehicle",
                       "icbm-solid-3", "--json", "--samples", "30", "--epoch",
                       "2026-11-29T12:00:00Z")
    assert code == 0
    rep = json.loads(out)
    for key in ("vehicle", "ground_range_km", "flight_time_s", "burnout_time_s",
                "burnout_altitude_km", "burnout_speed_km_s", "apogee_km", "impact",
                "miss_distance_km", "samples"):
        assert key in rep
    assert set(rep["impact"]) >= {"lat_deg", "lon_deg", "time_s"}
    assert rep["miss_distance_km"] < 1.0
    assert rep["impact"]["lat_deg"] == pytest.approx(51.0, abs=0.01)
    s = rep["samples"]
    assert s[0]["t_s"] == 0.0 and s[0]["phase"] == "boost" and s[0]["burning"]
    assert s[-1]["t_s"] == pytest.approx(rep["flight_time_s"])
    assert s[-1]["alt_km"] == pytest.approx(0.0, abs=0.01)
    phases = [x["phase"] for x in s]
    assert "midcourse" in phases and "reentry" in phases
    # Samples are every 30 s and carry ECEF state consistent with lat/lon/alt.
    assert s[1]["t_s"] - s[0]["t_s"] == 30.0
    x, y, z = s[5]["r_ecef_m"]
    assert math.degrees(math.atan2(y, x)) == pytest.approx(s[5]["lon_deg"], abs=1e-6)
    assert len(s[5]["v_ecef_m_s"]) == 3


def test_fly_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fly", "--launch", "39,125.5", "--target", "35,136", "--vehicle",
                       "mrbm-1")
    assert code == 0
    assert "flight time" in out and "miss distance" in out


def test_fly_validation_switches_give_the_kepler_setting(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fly", "--launch", "0,0", "--target", "0,60", "--vehicle",
                       "impulsive", "--earth", "spherical", "--no-rotation", "--no-j2",
                       "--no-drag", "--json")
    assert code == 0
    rep = json.loads(out)
    # Minimum-energy Kepler shot over a 60° range angle (Bate, Mueller & White 1971, ch. 6):
    # Q = 2 sin(ψ/2)/(1 + sin(ψ/2)) = 2/3, v = sqrt(Q μ/R).
    mu, r0 = 3.986004418e14, 6.371e6
    v = math.sqrt(2.0 / 3.0 * mu / r0)
    assert rep["burnout_speed_m_s"] == pytest.approx(v, rel=1e-3)


@pytest.mark.parametrize(("args", "needle"), [
    (["--launch", "91,0", "--target", "10,10", "--vehicle", "irbm-2"], "--launch latitude"),
    (["--launch", "nan,0", "--target", "10,10", "--vehicle", "irbm-2"], "--launch latitude"),
    (["--launch", "10", "--target", "10,10", "--vehicle", "irbm-2"], "--launch"),
    (["--launch", "10,10", "--target", "10,10,3", "--vehicle", "irbm-2"], "--target"),
    (["--launch", "10,10", "--target", "20,20", "--vehicle", "warp-drive"], "icbm-solid-3"),
    (["--launch", "10,10", "--target", "-60,-150", "--vehicle", "mrbm-1"], "maximum range"),
    (["--launch", "10,10", "--target", "20,20", "--vehicle", "irbm-2", "--trajectory",
      "sideways"], "--trajectory"),
    (["--launch", "10,10", "--target", "20,20", "--vehicle", "irbm-2", "--earth", "flat"],
     "--earth"),
    (["--launch", "10,10", "--target", "20,20", "--vehicle", "irbm-2", "--epoch", "yesterday"],
     "epoch"),
    (["--launch", "10,10", "--vehicle", "slv-3", "--orbit", "300"], "--orbit"),
    (["--launch", "10,10", "--vehicle", "irbm-2"], "--target"),
])
def test_bad_arguments_give_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                args: list[str], needle: str) -> None:
    code, out, err = run(capsys, "fly", *args)
    assert code == 2
    assert out == ""
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_out_of_reach_error_names_the_maximum_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fly", "--launch", "40,125", "--target", "40,-75", "--vehicle",
                       "irbm-2")
    assert code == 2
    assert "maximum range" in err and " km" in err


def test_vehicles_lists_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "vehicles")
    assert code == 0
    for name in ("icbm-solid-3", "icbm-liquid-2", "slbm-solid-3", "irbm-2", "mrbm-1", "slv-3",
                 "sounding-4", "impulsive"):
        assert name in out


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fly", "--warp", "9")
    assert code == 2
    assert "Traceback" not in err


@pytest.mark.parametrize(("alt_km", "reached"), [(300, True), (400, False)])
def test_fly_orbit_states_the_achieved_orbit_against_the_request(
        capsys: pytest.CaptureFixture[str], alt_km: int, reached: bool) -> None:
    # Issue 8: slv-3 --orbit 300,51.6 reached 232 × 368 km at 51.505° with no word said. Now the
    # request, the tolerances and whether the orbit is within them are printed; 400 km is beyond
    # slv-3 from 45.9° N, and the nearest orbit it flies is reported as such.
    args = ("fly", "--launch", "45.9,63.3", "--vehicle", "slv-3", "--orbit", f"{alt_km},51.6")
    code, out, _ = run(capsys, *args, "--json")
    assert code == 0
    o = json.loads(out)["orbit"]
    assert o["requested_altitude_km"] == alt_km
    assert o["requested_inclination_deg"] == pytest.approx(51.6)
    assert o["altitude_tolerance_km"] > 0 and o["inclination_tolerance_deg"] > 0
    assert o["reached"] is reached
    within = (abs(o["perigee_km"] - alt_km) <= o["altitude_tolerance_km"]
              and abs(o["apogee_km"] - alt_km) <= o["altitude_tolerance_km"]
              and abs(o["inclination_deg"] - 51.6) <= o["inclination_tolerance_deg"])
    assert within is reached
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert f"requested {alt_km} ±" in out
    assert ("NOT reached" in out) is not reached


@pytest.mark.parametrize(("point", "option"), [
    ("٤١,31", "--target"), ("41_0,31", "--target"), ("nan,31", "--target"),
    ("51,inf", "--target"), ("51,-181", "--target longitude"), ("51,361", "--target longitude"),
    ("91,31", "--target latitude"),
])
def test_fly_points_are_ascii_decimals_in_the_common_range(
        capsys: pytest.CaptureFixture[str], point: str, option: str) -> None:
    code, out, err = run(capsys, "fly", "--launch", "41,-101", "--target", point, "--vehicle",
                         "icbm-solid-3")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {option}")


def test_fly_point_parser_accepts_both_longitude_conventions() -> None:
    from tocsin.cli.fly import parse_point

    assert parse_point("41,-180", "--launch") == (41.0, -180.0)
    assert parse_point(" 41.5 , 259 ", "--launch") == (41.5, 259.0)


def test_fly_errors_name_the_options_not_internal_fields(
        capsys: pytest.CaptureFixture[str]) -> None:
    # A target closer than the minimum range and an unreachable apogee: the solver's errors.
    code, _, err = run(capsys, "fly", "--launch", "41,-101", "--target", "41.1,-101",
                       "--vehicle", "irbm-2")
    assert code == 2 and err.startswith("error: --target:"), err
    code, _, err = run(capsys, "fly", "--launch", "40,125", "--target", "40,-75", "--vehicle",
                       "irbm-2")
    assert code == 2 and err.startswith("error: --target:"), err
    code, _, err = run(capsys, "fly", "--launch", "41,-101", "--target", "51,31", "--vehicle",
                       "icbm-solid-3", "--trajectory", "depressed:5000")
    assert code == 2 and err.startswith("error: --trajectory:"), err
    assert ".lat_deg" not in err


def test_fly_sample_count_is_refused_before_allocating(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """1e-6 s over a 1,800 s flight would be 1.8e9 samples (14 GB per array): refused from the
    estimate, with no array made."""
    import numpy as np

    from tocsin.flight import report

    def no_arange(*a: object, **k: object) -> None:
        raise AssertionError("np.arange called before the sample count was checked")

    arange = np.arange
    with monkeypatch.context() as m, pytest.raises(InputError) as e:
        m.setattr(np, "arange", no_arange)
        report.sample_times(1800.0, 1e-6)
    msg = str(e.value)
    assert e.value.field == "--samples" and e.value.value == 1e-6
    assert "200,000" in msg and "1,800,000,001" in msg and "1800 s" in msg
    assert np.arange is arange
    code, _, err = run(capsys, "fly", "--launch", "41,-101", "--target", "51,31", "--vehicle",
                       "icbm-solid-3", "--samples", "1e-6")
    assert code == 2 and err.startswith("error: --samples:") and "estimated" in err
    t = report.sample_times(100.0, 30.0)
    assert t.tolist() == [0.0, 30.0, 60.0, 90.0, 100.0]
