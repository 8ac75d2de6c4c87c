"""Union-find over int ids: which ids have been joined into one set. Pure, no dependencies.

Shared by the people resolution (mentions of one person, nlp/people.py) and the story
clustering (near-duplicate documents, nlp/stories.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class DisjointSets:
    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._parent: dict[int, int] = {i: i for i in ids}

    def add(self, i: int) -> None:
        """`i` as a set of its own."""
        self._parent[i] = i

    def __iter__(self) -> Iterator[int]:
        """The ids, in the order they were added."""
        return iter(self._parent)

    def find(self, i: int) -> int:
        """The root of `i`'s set (halving the path on the way)."""
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> tuple[int, int] | None:
        """Join `b`'s set into `a`'s, whose root stays the root: (that root, the root joined in),
        or None when they were one set already."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        self._parent[root_b] = root_a
        return root_a, root_b
