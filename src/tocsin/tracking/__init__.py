"""What follows: filters, association, track management, infrared triangulation, metrics.

One interface per role, as Stone Soup has them, but as plain protocols over columnar batches
(``models.py``): a **motion model** predicts states and covariances of many tracks at once, a
**measurement model** predicts measurements and their Jacobians for (track, detection) pairs; the
tracker only wires predictor, gater, associator, updater, initiator and deleter together.
"""

from tocsin.tracking.ballistic import BallisticEcef, BoostAdaptive
from tocsin.tracking.log import TrackLog
from tocsin.tracking.metrics import gospa, nees
from tocsin.tracking.models import (
    Associator,
    Deleter,
    Gater,
    Initiator,
    MeasurementModel,
    MotionModel,
    Updater,
)
from tocsin.tracking.partner import PartnerTracker, TrackManager
from tocsin.tracking.phases import PhaseModel

__all__ = [
    "Associator",
    "BallisticEcef",
    "BoostAdaptive",
    "Deleter",
    "Gater",
    "Initiator",
    "MeasurementModel",
    "MotionModel",
    "PartnerTracker",
    "PhaseModel",
    "TrackLog",
    "TrackManager",
    "Updater",
    "gospa",
    "nees",
]
