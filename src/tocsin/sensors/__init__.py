"""What sees: infrared early-warning satellites, ground radars, detection physics, false alarms.

Every sensor plays one role, :class:`Sensor` (``times``, ``possible``, ``observe``): a
:class:`Radar`, or an :class:`InfraredSatellite` (an :class:`InfraredSensor` payload with its
satellite's :class:`Ephemeris`). They observe a :class:`TruthTable` and report a
:class:`DetectionBatch`.
"""

from tocsin.sensors.coverage import coverage
from tocsin.sensors.detections import FALSE_ALARM, IR, RADAR, DetectionBatch, concat
from tocsin.sensors.infrared import InfraredSensor
from tocsin.sensors.ir_background import BackgroundSource
from tocsin.sensors.radar import Radar, RadarFace
from tocsin.sensors.sensor import (
    Ephemeris,
    InfraredSatellite,
    OrbitEphemeris,
    Sensor,
    TabulatedEphemeris,
    observe,
    sample_times,
    sensors_of,
)
from tocsin.sensors.signatures import signatures
from tocsin.sensors.truth import TruthTable

__all__ = [
    "FALSE_ALARM",
    "IR",
    "RADAR",
    "BackgroundSource",
    "DetectionBatch",
    "Ephemeris",
    "InfraredSatellite",
    "InfraredSensor",
    "OrbitEphemeris",
    "Radar",
    "RadarFace",
    "Sensor",
    "TabulatedEphemeris",
    "TruthTable",
    "concat",
    "coverage",
    "observe",
    "sample_times",
    "sensors_of",
    "signatures",
]
