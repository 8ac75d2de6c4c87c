from __future__ import annotations

import pytest

from tests.support.delivery_samples import sample_profile
from warehouse.config.profiles import Profile


@pytest.fixture
def profile() -> Profile:
    return sample_profile()
