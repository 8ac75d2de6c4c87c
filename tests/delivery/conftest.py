from __future__ import annotations

import pytest
from delivery_samples import test_profile

from warehouse.config.profiles import Profile


@pytest.fixture
def profile() -> Profile:
    return test_profile()
