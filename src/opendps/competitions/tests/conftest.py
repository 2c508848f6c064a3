"""Set-up shared by the competition tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine

from opendps.core.calendar import LONDON


@pytest.fixture
def fixed_day() -> Iterator[None]:
    """A fixed Monday, 1 March 2027 at 09:00 in London: away from bank holidays and clock
    changes, inside the PCR 2015 regime's life (DPSs may run to 23 Feb 2029), with the
    clock running."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=True):
        yield
