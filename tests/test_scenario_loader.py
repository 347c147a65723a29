"""Scenario files: one clear error per problem, naming the path, the value and what was expected."""

from __future__ import annotations

import textwrap

import pytest

from tocsin.errors import InputError, InvalidDocumentError
from tocsin.scenario.loader import load_scenario, parse_scenario

GOOD = textwrap.dedent("""
    name: two partners
    epoch: 2026-11-29T12:00:00Z
    duration_s: 600
    seed: 7
    partners: [{id: north}, {id: south}]
    satellites:
      - {id: geo-1, owner: north, orbit: {kind: geo, lon_deg: -100}}
      - {id: heo-1, owner: south, orbit: {kind: molniya, apogee_lon_deg: 40},
         sensor: {frame_period_s: 5, mode: limb}}
    radars:
      - id: r-1
        owner: north
        site: {lat_deg: 41.75, lon_deg: -70.54}
        faces: [{azimuth_deg: 47}, {azimuth_deg: 167}]
        max_range_km: 5555
    launches:
      - {id: L1, vehicle: mrbm-1, launch: {lat_deg: 39, lon_deg: 125.5},
         target: {lat_deg: 35, lon_deg: 136}, time_s: 30}
    background:
      - {id: glint, kind: sun-glint, site: {lat_deg: 47, lon_deg: -100}, duration_s: 120}
    assets: [{id: city, lat_deg: 35.7, lon_deg: 139.7}]
""")


def problems(text: str) -> list[InputError]:
    with pytest.raises(InvalidDocumentError) as info:
        parse_scenario(text)
    return list(info.value.problems)


def test_good_scenario_loads_with_si_defaults() -> None:
    sc = parse_scenario(GOOD)
    assert sc.duration_s == 600 and sc.seed == 7
    assert sc.radars[0].faces[1].half_width_deg == 60.0
    assert sc.satellites[1].sensor.mode == "limb"


def test_every_problem_is_reported_with_its_path() -> None:
    bad = GOOD.replace("lon_deg: -70.54}", "lon_deg: -70.54, colour: red}").replace(
        "{azimuth_deg: 167}", "{azimuth_deg: 167, half_width_deg: -5}")
    found = {p.field: p for p in problems(bad)}
    assert "radars[0].site.colour" in found
    assert "unknown keys are errors" in str(found["radars[0].site.colour"])
    assert "radars[0].faces[1].half_width_deg" in found
    assert found["radars[0].faces[1].half_width_deg"].value == -5


@pytest.mark.parametrize(("old", "new", "field", "needle"), [
    ("owner: south", "owner: west", "satellites[1].owner", "north, south"),
    ("vehicle: mrbm-1", "vehicle: mrbm-9", "launches[0].vehicle", "icbm-solid-3"),
    ("time_s: 30", "time_s: 900", "launches[0].time_s", "duration_s"),
    ("id: r-1", "id: geo-1", "radars[0].id", "already used by satellites[0]"),
    ("lat_deg: 39,", "lat_deg: 95,", "launches[0].launch.lat_deg", "90"),
    ("{kind: geo, lon_deg: -100}", "{kind: warp}", "satellites[0].orbit", "geo"),
    ("duration_s: 600", "duration_s: -1", "duration_s", "greater than 0"),
    ("epoch: 2026-11-29T12:00:00Z", "epoch: 2026-11-29T12:00:00", "epoch", "zone"),
    ("time_s: 30}", "time_s: 30, trajectory: lofted}", "launches[0].trajectory", "lofted:"),
    ("max_range_km: 5555", "max_range_km: 100", "radars[0]", "max_range_km"),
])
def test_bad_field_names_path_value_and_expectation(old: str, new: str, field: str,
                                                     needle: str) -> None:
    assert old in GOOD
    found = problems(GOOD.replace(old, new))
    match = [p for p in found if p.field.startswith(field)]
    assert match, [str(p) for p in found]
    assert needle in str(match[0])


def test_yaml_syntax_error_names_line() -> None:
    with pytest.raises(InputError) as info:
        parse_scenario("epoch: [unclosed\nduration_s: 3\n")
    assert "line" in str(info.value)


def test_not_a_mapping() -> None:
    with pytest.raises(InputError, match="mapping"):
        parse_scenario("- 1\n- 2\n")


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(InputError, match="readable YAML file"):
        load_scenario(tmp_path / "nope.yaml")


def test_examples_in_the_repository_load() -> None:
    from pathlib import Path

    files = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
    assert files, "scenarios/ holds examples"
    for f in files:
        load_scenario(f)


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("duration_s: 120}", "duration_s: 120, vehicle: mrbm-1}", "does not take vehicle"),
    ("duration_s: 120}", "duration_s: 120, cloud_top_km: 40}", "30"),
    ("seed: 7", "seed: true", "seed"),
])
def test_fields_that_do_not_apply_are_errors(old: str, new: str, needle: str) -> None:
    found = problems(GOOD.replace(old, new))
    assert any(needle in str(p) for p in found), [str(p) for p in found]


def test_glint_without_cloud_top_sits_at_the_model_default() -> None:
    from tocsin.scenario.sensors import build_sensors

    sc = parse_scenario(GOOD)
    assert build_sensors(sc).background[0].alt_m == pytest.approx(10e3)
