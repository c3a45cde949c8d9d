"""Credits shared between parties ([allocation]) and ER split by calendar year."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jcmcalc
from jcmcalc.model.allocation import Allocation, allocate
from jcmcalc.run.calendar import apportion, calendar_years, overlap
from jcmcalc.views.report import render
from tests.test_report import EXAMPLES

#: A 20 % / 80 % allocation, the partner country's share rounded down (periods across years).
ALLOCATED = """
[project]
name = "allocated"

[methodology]
id = "MN_AM003"
version = "2.0"

[allocation]
shares = { Mongolia = "20 %", Japan = 80 }
remainder = "Japan"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-07-01
end = 2024-06-30
values = { "EG_i,p" = "1000.5 MWh" }

[[periods]]
start = 2024-07-01
end = 2024-12-31
values = { "EG_i,p" = "17.3 MWh" }

[[periods]]
start = 2025-01-01
end = 2026-12-31
values = { "EG_i,p" = "4 MWh" }
"""


def test_twenty_eighty_split_gives_whole_credits_adding_up_to_each_period(project) -> None:
    result = jcmcalc.calculate(project(ALLOCATED))
    assert [p.credits for p in result.periods] == [797, 13, 3]
    for period in result.periods:
        split = dict(period.allocation)
        assert list(split) == ["Mongolia", "Japan"]
        assert sum(split.values()) == period.credits
        assert split["Mongolia"] == period.credits * 20 // 100  # rounded down
    assert [dict(p.allocation)["Mongolia"] for p in result.periods] == [159, 2, 0]
    data = json.loads(result.to_json())
    assert data["periods"][0]["allocation"] == {"Mongolia": 159, "Japan": 638}
    assert data["allocation"]["total_credits"] == {"Mongolia": 161, "Japan": 652}
    assert data["allocation"]["rule"] == (
        "shares Mongolia 20 %, Japan 80 %; the share of Mongolia rounded down to whole credits, "
        "the remainder to Japan"
    )
    header, *_, total = result.table_rows()
    assert header[-2:] == ["credits to Mongolia", "credits to Japan"]
    assert total[-3:] == ["813", "161", "652"]
    for fmt in ("markdown", "html"):
        text = render(result, fmt)
        assert "credits to Mongolia" in text and "the remainder to Japan" in text


def test_without_allocation_nothing_is_shown(project) -> None:
    text = ALLOCATED.replace('[allocation]\nshares = { Mongolia = "20 %", Japan = 80 }\n', "")
    result = jcmcalc.calculate(project(text.replace('remainder = "Japan"\n', "")))
    assert result.parties == () and all(p.allocation == () for p in result.periods)
    assert "allocation" not in json.dumps(result.to_dict())
    assert "credits to" not in render(result, "markdown")


def test_given_amounts_must_add_up_to_the_credits(project, cli) -> None:
    amounts = "[allocation]\namounts = [{ A = 700, B = 97 }, { A = 13, B = 0 }, { A = 1, B = 2 }]"
    text = ALLOCATED.replace(
        '[allocation]\nshares = { Mongolia = "20 %", Japan = 80 }\nremainder = "Japan"', amounts
    )
    result = jcmcalc.calculate(project(text))
    assert [p.allocation for p in result.periods] == [
        (("A", 700), ("B", 97)),
        (("A", 13), ("B", 0)),
        (("A", 1), ("B", 2)),
    ]
    code, _, err = cli("calculate", project(text.replace("B = 97", "B = 98")))
    assert code == 2
    assert "allocation.amounts[1]: amounts of period 1 add up to 798, not to its 797" in err


@pytest.mark.parametrize(
    ("allocation", "message"),
    [
        ('shares = { A = 20, B = 70 }\nremainder = "B"', "allocation: shares add up to 90 %"),
        ('shares = { A = 20, B = 80 }\nremainder = "C"', "allocation.remainder: remainder must"),
        ("shares = { A = 20, B = 80 }", "allocation.remainder: remainder must name"),
        ('shares = { A = "x", B = 80 }\nremainder = "B"', "allocation.shares.A: 'x' is not a"),
        ('shares = { A = 120, B = -20 }\nremainder = "B"', "allocation.shares.A: 120: a share"),
        ('shares = { A = 20, B = 80 }\nremainder = "B"\nrounding = "up"', "allocation.rounding"),
        ("amounts = [{ A = 1 }]", "allocation.amounts: 1 amounts for 3 periods"),
        ("amounts = [{ A = 1.5 }, { A = 1 }, { A = 1 }]", "amounts are whole credits"),
        ("share = { A = 20, B = 80 }", "allocation: unknown key 'share'"),
    ],
)
def test_bad_allocation_is_refused_with_its_place(project, cli, allocation, message) -> None:
    text = ALLOCATED.replace(
        '[allocation]\nshares = { Mongolia = "20 %", Japan = 80 }\nremainder = "Japan"',
        f"[allocation]\n{allocation}",
    )
    code, _, err = cli("calculate", project(text))
    assert code == 2 and message in err and "Traceback" not in err, err


@given(
    credits=st.integers(0, 10**12),
    shares=st.lists(st.integers(0, 1000), min_size=2, max_size=5).filter(lambda s: sum(s) > 0),
    remainder=st.integers(0, 4),
)
def test_split_is_whole_credits_adding_up_exactly(credits, shares, remainder) -> None:
    total = sum(shares)
    parties = tuple(f"P{i}" for i in range(len(shares)))
    fractions = tuple(Fraction(s, total) for s in shares)
    rest = parties[remainder % len(parties)]
    split = dict(allocate(credits, Allocation(parties, fractions, rest), 1))
    assert sum(split.values()) == credits and all(v >= 0 for v in split.values())
    for party, share in zip(parties, fractions, strict=True):
        if party != rest:
            assert split[party] == credits * share.numerator // share.denominator


@given(
    start=st.dates(dt.date(1990, 1, 1), dt.date(2060, 1, 1)),
    length=st.integers(0, 3000),
    reductions=st.fractions(-(10**9), 10**9),
)
def test_calendar_years_add_up_exactly_to_the_period(start, length, reductions) -> None:
    end = start + dt.timedelta(days=length)
    spans = calendar_years(start, end)
    parts = apportion(reductions, start, end, spans)
    assert sum(parts) == reductions
    assert [span[0].year for span in spans] == list(range(start.year, end.year + 1))
    assert sum(overlap(start, end, span) for span in spans) == length + 1


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_every_example_splits_its_er_by_year_exactly(example) -> None:
    result = jcmcalc.calculate(example)
    for period, data in zip(result.periods, result.to_dict()["periods"], strict=True):
        assert sum(part for _, part in period.calendar_years) == period.reductions
        exact = [Fraction(part["exact"]) for part in data["calendar_years"]]
        assert sum(exact) == period.reductions
