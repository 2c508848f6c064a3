"""Every change in care brokerage: capacity records and placement offers."""

from opendps.brokerage.services.capacity import capacity_record
from opendps.brokerage.services.placements import (
    placement_accept,
    placement_decline,
    placement_offer_first,
    placements_lapse_due,
)

__all__ = [
    "capacity_record",
    "placement_accept",
    "placement_decline",
    "placement_offer_first",
    "placements_lapse_due",
]
