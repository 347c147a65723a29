"""What follows: filters, association, track management, infrared triangulation, metrics.

One interface per role, as Stone Soup has them, but as plain protocols over columnar batches
(``models.py``): a **motion model** predicts states and covariances of many tracks at once, a
**measurement model** predicts measurements and their Jacobians for (track, detection) pairs; the
tracker only wires predictor, gater, associator, updater, initiator and deleter together.
"""
