"""The inheritance rule of versions, for random chains and edit histories: a page in
version N holds the last edit made at the nearest version at or before N along the
chain; with none there, its own content (absent if it is new in some other version)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pressroom.content.versions import Edit, lineage, resolve_page


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[int, int | None], list[tuple[int, str, str]]]:
    """Versions 1..n, each after an earlier one or none (chains may branch); then edits
    in time order: (version, state, body)."""
    count = draw(st.integers(min_value=1, max_value=12))
    preceding: dict[int, int | None] = {1: None}
    for version in range(2, count + 1):
        preceding[version] = draw(st.one_of(st.none(), st.integers(1, version - 1)))
    edits = draw(
        st.lists(
            st.tuples(
                st.integers(1, count),
                st.sampled_from(["changed", "changed", "new", "removed"]),
                st.text(max_size=5),
            ),
            max_size=25,
        )
    )
    return preceding, edits


def expected(
    version: int, preceding: dict[int, int | None], history: list[tuple[int, str, str]]
) -> tuple[bool, str]:
    current: int | None = version
    while current is not None:
        made_here = [(state, body) for v, state, body in history if v == current]
        if made_here:
            state, body = made_here[-1]
            return state != "removed", body
        current = preceding[current]
    latest = {v: state for v, state, _ in history}
    return "new" not in latest.values(), "own body"


@given(histories())
def test_a_page_in_version_n_is_the_last_edit_at_or_before_n(
    generated: tuple[dict[int, int | None], list[tuple[int, str, str]]],
) -> None:
    preceding, history = generated
    rows = {version: Edit(version, state, "t", body) for version, state, body in history}
    for version in preceding:
        found = resolve_page(lineage(version, preceding), rows, "t", "own body")
        exists, body = expected(version, preceding, history)
        assert found.exists == exists
        if exists:
            assert found.body == body


def test_editing_version_n_leaves_its_predecessors_and_reaches_inheriting_successors() -> None:
    preceding = {1: None, 2: 1, 3: 2, 4: 3}
    rows = {2: Edit(2, "changed", "t", "two")}
    bodies = [resolve_page(lineage(v, preceding), rows, "t", "own").body for v in (1, 2, 3, 4)]
    assert bodies == ["own", "two", "two", "two"]
    rows[3] = Edit(3, "changed", "t", "three")
    bodies = [resolve_page(lineage(v, preceding), rows, "t", "own").body for v in (1, 2, 3, 4)]
    assert bodies == ["own", "two", "three", "three"]


def test_a_cycle_in_bad_data_ends_the_walk() -> None:
    assert lineage(1, {1: 2, 2: 1}) == [1, 2]
