"""techmap.analysis.filters.FilterState: the URL round trip, junk dropped, never an exception."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from techmap.dataformat.authorities import authorities
from techmap.analysis.filters import MAX_QUERY_LENGTH, MAX_VALUES_PER_PARAM, FilterState
from techmap.dataformat.schema import SERVICE_AREAS

CODES = [a.code for a in authorities()]
AREAS = [a.slug for a in SERVICE_AREAS]

slugs = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z")
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
# q as from_params leaves it: single spaces between words, trimmed, at most 100 characters
words = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1,
                max_size=12).filter(lambda w: w.split() == [w])
queries = st.lists(words, max_size=8).map(" ".join).filter(lambda q: len(q) <= MAX_QUERY_LENGTH)


def unique(values: st.SearchStrategy[str], max_size: int = 5) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(values, unique=True, max_size=max_size).map(tuple)


valid_states = st.builds(
    FilterState,
    authority=unique(st.sampled_from(CODES)),
    area=unique(st.sampled_from(AREAS)),
    supplier=unique(slugs),
    system=unique(slugs),
    ends_from=st.none() | dates,
    ends_to=st.none() | dates,
    q=queries,
)


@given(valid_states)
@settings(max_examples=300)
def test_query_string_round_trip(state: FilterState) -> None:
    query = state.to_query_string()
    assert FilterState.from_query_string(query) == state
    assert FilterState.from_query_string(query.lstrip("?")) == state
    assert FilterState.from_dict(state.to_dict()) == state
    assert query == "" if state.is_empty else query.startswith("?")


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_arbitrary_text_never_raises_and_gives_a_fixed_point(text: str) -> None:
    state = FilterState.from_query_string(text)
    assert isinstance(state, FilterState)
    # whatever came in, what goes out reads back the same
    assert FilterState.from_query_string(state.to_query_string()) == state


pairs = st.lists(st.tuples(st.sampled_from(["authority", "area", "supplier", "system", "ends_from",
                                            "ends_to", "q", "other"]), st.text(max_size=40)),
                 max_size=20)


@given(pairs)
@settings(max_examples=300)
def test_arbitrary_parameters_give_a_fixed_point(items: list[tuple[str, str]]) -> None:
    state = FilterState.from_params(items)
    assert FilterState.from_query_string(state.to_query_string()) == state
    assert len(state.q) <= MAX_QUERY_LENGTH


def test_a_long_query_cut_at_a_space_still_round_trips() -> None:
    state = FilterState.from_params({"q": "a" * 99 + " bcd"})
    assert FilterState.from_query_string(state.to_query_string()) == state


@given(st.dictionaries(st.text(max_size=10), st.none() | st.integers() | st.text(max_size=10)
                       | st.lists(st.integers() | st.text(max_size=5), max_size=3), max_size=8))
def test_from_dict_takes_anything(data: dict[str, object]) -> None:
    assert isinstance(FilterState.from_dict(data), FilterState)


def test_malformed_values_are_dropped() -> None:
    query = ("?authority=E09000007&authority=E09000034&authority=camden&authority=e09000012"
             "&area=housing&area=not-an-area&supplier=Capita%20PLC&supplier=capita"
             "&system=mosaic&system=mosaic&system=-bad-&ends_from=2027-02-30&ends_to=2027-06-30"
             "&q=%20%20mosaic%20%20%20camden%20&colour=red")
    state = FilterState.from_query_string(query)
    assert state == FilterState(
        authority=("E09000007", "E09000012"),  # unknown code and name dropped, case fixed
        area=("housing",),
        supplier=("capita",),  # not a slug: dropped
        system=("mosaic",),  # duplicate and malformed slug dropped
        ends_from=None,  # 30 February
        ends_to=date(2027, 6, 30),
        q="mosaic camden",  # whitespace collapsed
    )


def test_first_valid_date_wins_and_years_are_bounded() -> None:
    state = FilterState.from_query_string("?ends_from=soon&ends_from=2027-01-01&ends_from=2028-01-01"
                                          "&ends_to=1800-01-01")
    assert state.ends_from == date(2027, 1, 1)
    assert state.ends_to is None


def test_limits() -> None:
    many = "&".join(f"supplier=s{i}" for i in range(MAX_VALUES_PER_PARAM + 10))
    assert len(FilterState.from_query_string(many).supplier) == MAX_VALUES_PER_PARAM
    assert len(FilterState.from_query_string("q=" + "x" * 500).q) == MAX_QUERY_LENGTH
    assert FilterState.from_query_string("&".join(["a=1"] * 1000)) == FilterState()
    assert FilterState.from_query_string(None) == FilterState()


def test_helpers() -> None:
    state = FilterState(authority=("E09000007",))
    toggled = state.toggled("authority", "E09000012")
    assert toggled.authority == ("E09000007", "E09000012")
    assert toggled.toggled("authority", "E09000007").authority == ("E09000012",)
    assert state.toggled("colour", "red") == state
    assert toggled.without("authority", "E09000012") == state
    assert toggled.without("authority") == FilterState()
    assert FilterState(q="x", ends_to=date(2027, 1, 1)).without("q").without("ends_to").is_empty
    assert state.with_values(area=("housing", "nope")).area == ("housing",)


@given(st.text(st.characters(codec=None), max_size=50))
def test_any_q_from_a_client_can_be_written_back(q: str) -> None:
    # JSON from a browser may carry lone surrogates, which UTF-8 URL encoding cannot take
    state = FilterState.from_dict({"q": q})
    assert FilterState.from_query_string(state.to_query_string()) == state
    assert FilterState.from_dict({"q": "a\ud800b"}).q == "ab"
