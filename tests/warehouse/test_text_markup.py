from __future__ import annotations

import re
import time

import pytest

from warehouse.text.markup import MAX_INPUT_CHARS, html_to_text

TAG = re.compile(r"<[A-Za-z/!][^>]*>")


def test_html_to_text_drops_scripts_styles_and_embeds() -> None:
    html = ("<p>Keep</p><script>var x = 1;</script><style>p {}</style><noscript>no</noscript>"
            "<template>t</template><iframe src='x'>frame</iframe><p>this</p>")
    assert html_to_text(html) == "Keep\n\nthis"


def test_html_to_text_blocks_become_paragraphs() -> None:
    html = "<h2>Heading</h2><p>First <b>bold</b> para.</p><div>Second</div>"
    assert html_to_text(html) == "Heading\n\nFirst bold para.\n\nSecond"


def test_html_to_text_list_items_on_their_own_lines() -> None:
    html = "<p>Items:</p><ul><li>one</li><li>two <em>b</em></li></ul><ol><li>three</li></ol>"
    assert html_to_text(html) == "Items:\n\none\ntwo b\n\nthree"


def test_html_to_text_unescapes_entities() -> None:
    assert html_to_text("<p>Fish &amp; chips &pound;5&nbsp;each &#8212; &lt;3</p>") == (
        "Fish & chips £5 each — <3")


def test_html_to_text_collapses_whitespace() -> None:
    assert html_to_text("<p>  a \n\t b   </p>\n\n\n<p>c</p>") == "a b\n\nc"


def test_html_to_text_keeps_tail_text_after_dropped_elements() -> None:
    assert html_to_text("<div>before<script>x</script>after</div>") == "beforeafter"


@pytest.mark.parametrize("html", ["", "   \n ", "<p></p>", "<script>only()</script>", "<!-- -->"])
def test_html_to_text_empty_input_gives_empty_string(html: str) -> None:
    assert html_to_text(html) == ""


@pytest.mark.parametrize("html", ["<p>unclosed <b>bold", "<div><p>a</div></span>b",
                                  "<<p>>odd</p>", "text </p></p> more"])
def test_html_to_text_survives_malformed_markup(html: str) -> None:
    text = html_to_text(html)
    assert text
    assert not TAG.search(text)


def test_html_to_text_survives_nesting_past_parser_limits() -> None:
    assert html_to_text("<div>" * 50_000 + "deep") == "deep"


def test_html_to_text_strips_double_escaped_markup() -> None:
    assert html_to_text("<p>&lt;p&gt;escaped&lt;/p&gt;</p>") == "escaped"


def test_html_to_text_caps_huge_input() -> None:
    html = "<p>word word word</p>" * (MAX_INPUT_CHARS // 10)
    started = time.monotonic()
    text = html_to_text(html)
    assert time.monotonic() - started < 20
    assert 0 < len(text) <= MAX_INPUT_CHARS
