from __future__ import annotations

import pytest

from nlp.config import NlpConfig
from nlp.encoder import EncoderUnavailableError, TextEncoder, load_encoder
from tests.support.nlp_fakes import HashingEncoder


def test_encoder_fake_satisfies_protocol() -> None:
    assert isinstance(HashingEncoder(), TextEncoder)


def test_encoder_missing_package_is_a_clear_error(nlp_config: NlpConfig) -> None:
    broken = nlp_config.model_copy(
        update={"encoder": nlp_config.encoder.model_copy(
            update={"package": "no_such_model_package"}
        )}
    )
    with pytest.raises(EncoderUnavailableError, match=r"no_such_model_package.*encoder\.package"):
        load_encoder(broken)
