"""The CQL tokenizer, parser and compiler, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from pressroom.content.cql import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    And,
    Clause,
    CqlQuery,
    CqlSyntaxError,
    Not,
    Or,
    Ordering,
    compile_order,
    compile_where,
    parse_cql,
    tokenize,
)
from pressroom.content.models import Content
from pressroom.errors import InvalidInput


def kinds(cql: str) -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tokenize(cql)]


def clause(field: str, operator: str, *values: str, at: int = 1) -> Clause:
    return Clause(field, operator, values, at)


def test_tokens_of_a_typical_query() -> None:
    assert kinds("space.key IN (DEV, \"My Docs\") AND title !~ 'a\\'b'") == [
        ("word", "space.key"),
        ("word", "IN"),
        ("(", "("),
        ("word", "DEV"),
        (",", ","),
        ("string", "My Docs"),
        (")", ")"),
        ("word", "AND"),
        ("word", "title"),
        ("operator", "!~"),
        ("string", "a'b"),
        ("end", ""),
    ]


def test_operators_need_no_spaces_around_them() -> None:
    assert kinds("id!=5") == [("word", "id"), ("operator", "!="), ("word", "5"), ("end", "")]
    assert kinds("title~x") == [("word", "title"), ("operator", "~"), ("word", "x"), ("end", "")]


def test_token_positions_are_one_based() -> None:
    assert [token.position for token in tokenize('a = "b"')] == [1, 3, 5, 8]


def test_string_escapes() -> None:
    assert kinds(r'"say \"hi\" \\ now"')[0] == ("string", 'say "hi" \\ now')
    assert kinds(r"'it\'s'")[0] == ("string", "it's")


def test_a_simple_clause() -> None:
    assert parse_cql("type = page") == CqlQuery(clause("type", "=", "page"))


def test_field_names_and_keywords_are_case_insensitive() -> None:
    query = parse_cql("TYPE = page and Space = DEV")

    assert query.where == And((clause("type", "=", "page"), clause("space", "=", "DEV", at=17)))


@pytest.mark.parametrize("operator", ["=", "!=", "~", "!~"])
def test_each_operator_on_title(operator: str) -> None:
    assert parse_cql(f"title {operator} x").where == clause("title", operator, "x")


def test_in_and_not_in() -> None:
    assert parse_cql("label in (a, 'b', c)").where == clause("label", "in", "a", "b", "c")
    assert parse_cql("id NOT IN (1,2)").where == clause("id", "not in", "1", "2")


def test_and_binds_tighter_than_or() -> None:
    query = parse_cql("type = page OR type = blogpost AND space = DEV")

    assert query.where == Or(
        (
            clause("type", "=", "page"),
            And((clause("type", "=", "blogpost", at=16), clause("space", "=", "DEV", at=36))),
        )
    )


def test_not_binds_tighter_than_and() -> None:
    query = parse_cql("NOT type = page AND space = DEV")

    assert query.where == And(
        (Not(clause("type", "=", "page", at=5)), clause("space", "=", "DEV", at=21))
    )


def test_parentheses_override_precedence() -> None:
    query = parse_cql("(type = page OR type = blogpost) AND space = DEV")

    assert query.where == And(
        (
            Or((clause("type", "=", "page", at=2), clause("type", "=", "blogpost", at=17))),
            clause("space", "=", "DEV", at=38),
        )
    )


def test_not_before_parentheses_and_double_not() -> None:
    assert parse_cql("not (id = 1)").where == Not(clause("id", "=", "1", at=6))
    assert parse_cql("not not id = 1").where == Not(Not(clause("id", "=", "1", at=9)))


def test_a_chain_of_ors_is_one_flat_node() -> None:
    query = parse_cql(" OR ".join(f"id = {n}" for n in range(1, 5)))

    assert isinstance(query.where, Or)
    assert len(query.where.operands) == 4


def test_order_by() -> None:
    query = parse_cql("type = page ORDER BY lastModified DESC, title asc, id")

    assert query.order_by == (
        Ordering("lastmodified", descending=True),
        Ordering("title"),
        Ordering("id"),
    )


def test_bare_values_may_look_like_keywords() -> None:
    assert parse_cql("title = and").where == clause("title", "=", "and")


def message_of(cql: str) -> str:
    with pytest.raises(CqlSyntaxError) as caught:
        parse_cql(cql)
    assert caught.value.message.startswith("Could not parse cql : ")
    return caught.value.message


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        (
            "type = page AND foo = 1",
            "unknown field 'foo' at position 17. Supported fields: ancestor, creator, id, "
            "label, parent, space, space.key, text, title, type.",
        ),
        ("(type = page", "unbalanced parentheses: unclosed '(' at position 1."),
        ("type = page)", "unbalanced parentheses: unmatched ')' at position 12."),
        ("((type = page)", "unbalanced parentheses: unclosed '(' at position 1."),
        ("type in (page, blogpost", "unbalanced parentheses: unclosed '(' at position 9."),
        ("title =", "missing value for 'title' at position 8."),
        ("title = )", "expected a value for 'title', found ')' at position 9."),
        ("type in ()", "expected a value for 'type', found ')' at position 10."),
        (
            "title",
            "expected an operator (=, !=, ~, !~, IN, NOT IN) after 'title', "
            "found the end of the query at position 6.",
        ),
        (
            "space ~ DEV",
            "operator '~' is not allowed for 'space' at position 7. "
            "Use =, !=, IN, NOT IN with 'space'.",
        ),
        (
            "text = x",
            "operator '=' is not allowed for 'text' at position 6. Use ~, !~ with 'text'.",
        ),
        ("title < x", "operator '<' is not allowed for 'title' at position 7."),
        ("id = abc", "'id' takes a numeric content id, not 'abc' at position 6."),
        ("ancestor = -1", "'ancestor' takes a numeric content id, not '-1' at position 12."),
        ("parent = 99999999999999999999", "'parent' takes a numeric content id"),
        # The largest id is below 2**62 here as everywhere else (pressroom.ids).
        ("id = 4611686018427387904", "'id' takes a numeric content id"),
        ("id = " + "9" * 1990, "'id' takes a numeric content id"),
        ('title = "open', 'unclosed quote " at position 9.'),
        ("title = 'a\\", "unclosed quote ' at position 9."),
        ('title = "a\\n"', "unknown escape '\\n' at position 11."),
        ("title ! x", "'!' must be followed by '=' or '~' at position 7."),
        ("type in page", "expected '(' to start the list of values, found 'page' at position 9."),
        ("type not = page", "expected IN after NOT at position 10."),
        ("type = page and", "expected a field name, found the end of the query at position 16."),
        ("type = page page", "expected AND, OR or ORDER BY, found 'page' at position 13."),
        ("type = page order title", "expected BY after ORDER at position 19."),
        (
            "type = page order by size",
            "cannot order by 'size' at position 22. Order by one of: title, id, created, "
            "lastmodified.",
        ),
        ("= page", "expected a field name, found '=' at position 1."),
        ("   ", "the query is empty"),
        ("title = \x00", "control character '\\x00' is not allowed at position 9."),
    ],
)
def test_errors_say_what_and_where(cql: str, expected: str) -> None:
    assert expected in message_of(cql)


def test_error_position_is_exposed() -> None:
    with pytest.raises(CqlSyntaxError) as caught:
        parse_cql("type = page AND bogus = 1")

    assert caught.value.position == 17
    assert "bogus" in caught.value.reason


def test_errors_are_invalid_input() -> None:
    assert issubclass(CqlSyntaxError, InvalidInput)


def test_nesting_is_bounded() -> None:
    deep = "(" * MAX_DEPTH + "id = 1" + ")" * MAX_DEPTH
    assert parse_cql(deep).where == clause("id", "=", "1", at=MAX_DEPTH + 1)

    too_deep = "(" + deep + ")"
    assert f"nests deeper than {MAX_DEPTH} levels" in message_of(too_deep)
    assert f"nests deeper than {MAX_DEPTH} levels" in message_of("NOT " * 60 + "id = 1")


def test_length_is_bounded() -> None:
    longest = "title = " + "x" * (MAX_QUERY_LENGTH - 8)
    assert parse_cql(longest).where == clause("title", "=", "x" * (MAX_QUERY_LENGTH - 8))

    with pytest.raises(InvalidInput) as caught:
        parse_cql(longest + "x")
    assert f"the limit is {MAX_QUERY_LENGTH}" in caught.value.message


def sql(cql: str, dialect: object = None) -> str:
    query = parse_cql(cql)
    statement = select(Content.id).where(compile_where(query)).order_by(*compile_order(query))
    compiled = statement.compile(
        dialect=dialect or sqlite.dialect(),  # type: ignore[arg-type]
        compile_kwargs={"literal_binds": True},
    )
    return str(compiled)


def test_contains_escapes_like_wildcards_and_keeps_cql_ones() -> None:
    text = sql('title ~ "50%_off* ye?"')

    assert "'%50\\%\\_off%%'" in text
    assert "'%ye_%'" in text
    assert "ESCAPE '\\'" in text


def test_contains_is_case_insensitive_on_postgresql() -> None:
    assert "ILIKE" in sql("text ~ word", postgresql.dialect())


def test_each_ancestor_clause_gets_its_own_recursive_query() -> None:
    text = sql("ancestor = 1 OR ancestor = 2", postgresql.dialect())

    assert "WITH RECURSIVE" in text
    assert "descendants_1" in text
    assert "descendants_2" in text


def test_paging_order_always_ends_with_the_id() -> None:
    assert sql("type = page ORDER BY title DESC").endswith(
        "ORDER BY content.title DESC, content.id ASC"
    )
    assert sql("type = page ORDER BY id DESC").endswith("ORDER BY content.id DESC")


CQL_PIECES = st.sampled_from(
    [
        "type", "space", "space.key", "title", "label", "parent", "ancestor", "id", "text",
        "creator", "foo", "=", "!=", "~", "!~", "!", "<", "IN", "NOT", "AND", "OR", "ORDER",
        "BY", "DESC", "(", ")", ",", '"', "'", "\\", "page", "DEV", "1", "42", '"a b"', " ",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_fails_with_invalid_input(text: str) -> None:
    try:
        query = parse_cql(text)
    except InvalidInput:
        return
    sql(text)
    assert isinstance(query, CqlQuery)


@settings(max_examples=600, deadline=None)
@given(st.lists(CQL_PIECES, max_size=40).map(" ".join))
def test_any_token_soup_parses_and_compiles_or_fails_with_invalid_input(text: str) -> None:
    try:
        parse_cql(text)
    except InvalidInput:
        return
    sql(text)
    sql(text, postgresql.dialect())
