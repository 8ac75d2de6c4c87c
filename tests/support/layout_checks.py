"""Layout checks run inside Chromium: sideways overflow and text squeezed to a few characters."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

# Every visible element holding text of its own (4 characters or more) that is narrower than
# three em: a title wrapping one letter per line, a label column squeezed to "Fu/nd/er".
SQUEEZED = """() => {
  const out = [];
  for (const node of document.querySelectorAll('body *')) {
    const own = [...node.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent.trim()).join(' ').trim();
    if (own.length < 4) continue;
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const size = parseFloat(getComputedStyle(node).fontSize);
    if (box.width < 3 * size)
      out.push(`${node.tagName} ${Math.round(box.width)}px: ${own.slice(0, 30)}`);
  }
  return out;
}"""

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def layout_problems(page) -> list[str]:
    """What is wrong with the page's layout at its current viewport ([] when nothing)."""
    problems = list(page.evaluate(SQUEEZED))
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        problems.append(f"page scrolls sideways by {overflow}px")
    return problems


def one_line(page, selector: str) -> list[str]:
    """The elements matching `selector` whose text wraps onto a second line."""
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)].filter(n => {
        const r = document.createRange(); r.selectNodeContents(n);
        return r.getClientRects().length > 1;  // one rectangle per line of text
      }).map(n => n.textContent)""", selector)
