from __future__ import annotations

import time

from nlp.chunking import chunk_document
from nlp.config import ChunkingConfig, NlpConfig
from tests.support.factories import make_document

SENTENCE = "The combined authority will fund {n} new bus routes across the region this year."


def _body(sentences: int, per_paragraph: int = 5) -> str:
    paragraphs = []
    for start in range(0, sentences, per_paragraph):
        stop = min(start + per_paragraph, sentences)
        paragraphs.append(" ".join(SENTENCE.format(n=i) for i in range(start, stop)))
    return "\n\n".join(paragraphs)


def test_chunking_empty_body_gives_title_chunk_only(nlp_config: NlpConfig) -> None:
    document = make_document(body_text="", summary="")
    chunks = chunk_document(document, nlp_config)
    assert [c.index for c in chunks] == [0]
    assert chunks[0].text == document.title


def test_chunking_chunk_zero_is_title_and_summary(nlp_config: NlpConfig) -> None:
    document = make_document()
    chunks = chunk_document(document, nlp_config)
    assert chunks[0].text == f"{document.title}\n{document.summary}"


def test_chunking_short_body_is_one_body_chunk(nlp_config: NlpConfig) -> None:
    document = make_document()
    chunks = chunk_document(document, nlp_config)
    assert len(chunks) == 2
    assert chunks[1].text == document.body_text
    assert chunks[1].start_char == 0


def test_chunking_long_body_respects_word_bounds(nlp_config: NlpConfig) -> None:
    settings = nlp_config.chunking
    document = make_document(body_text=_body(200))
    chunks = chunk_document(document, nlp_config)
    assert len(chunks) > 5
    for chunk in chunks[1:]:
        assert len(chunk.text.split()) <= settings.max_words
    assert all(len(c.text.split()) >= settings.min_words // 2 for c in chunks[1:-1])


def test_chunking_covers_body_in_order(nlp_config: NlpConfig) -> None:
    document = make_document(body_text=_body(60))
    chunks = chunk_document(document, nlp_config)
    starts = [c.start_char for c in chunks[1:]]
    assert starts == sorted(starts)
    assert "fund 0 new" in chunks[1].text
    assert "fund 59 new" in chunks[-1].text
    for chunk in chunks[1:]:
        first_words = " ".join(chunk.text.split()[:3])
        assert document.body_text[chunk.start_char:].startswith(first_words)


def test_chunking_overlaps_within_a_paragraph() -> None:
    settings = ChunkingConfig(target_words=60, max_words=80, min_words=20, overlap_sentences=1)
    document = make_document(body_text=_body(12, per_paragraph=12))
    chunks = chunk_document(document, settings)
    last_sentence = chunks[1].text.split(". ")[-1]
    assert chunks[2].text.startswith(last_sentence.rstrip("."))


def test_chunking_splits_sentence_longer_than_max_words(nlp_config: NlpConfig) -> None:
    document = make_document(body_text=" ".join(["word"] * 1000))
    chunks = chunk_document(document, nlp_config)
    assert len(chunks) == 1 + -(-1000 // nlp_config.chunking.max_words)
    assert all(len(c.text.split()) <= nlp_config.chunking.max_words for c in chunks)


def test_chunking_one_megabyte_body_is_bounded_and_fast(nlp_config: NlpConfig) -> None:
    body = _body(13_000)
    assert len(body) > 1_000_000
    document = make_document(body_text=body)
    started = time.perf_counter()
    chunks = chunk_document(document, nlp_config)
    elapsed = time.perf_counter() - started
    assert len(chunks) == nlp_config.chunking.max_chunks
    assert elapsed < 5.0
    assert "fund 0 new" in chunks[1].text  # the start is kept ...
    assert chunks[-1].start_char > len(body) * 0.9  # ... and the spread reaches the end


def test_chunking_is_deterministic_with_stable_ids(nlp_config: NlpConfig) -> None:
    document = make_document(body_text=_body(100))
    first = chunk_document(document, nlp_config)
    second = chunk_document(make_document(body_text=_body(100)), nlp_config)
    assert first == second
    assert [c.index for c in first] == list(range(len(first)))
    assert len({c.id for c in first}) == len(first)
    assert all(c.document_id == document.id for c in first)


def test_chunking_ids_differ_between_documents(nlp_config: NlpConfig) -> None:
    one = chunk_document(make_document(), nlp_config)
    other = chunk_document(make_document(url="https://www.gov.uk/other"), nlp_config)
    assert {c.id for c in one}.isdisjoint({c.id for c in other})


def test_chunking_max_chunks_one_keeps_only_title(nlp_config: NlpConfig) -> None:
    settings = nlp_config.chunking.model_copy(update={"max_chunks": 1})
    assert len(chunk_document(make_document(body_text=_body(50)), settings)) == 1
