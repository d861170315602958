"""Charts drawn as SVG on the server: bars to scale either side of zero, valid SVG that
names itself for screen readers, and a table of the same figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from flask import Flask, render_template_string

from lets_platform.charts import LABEL_CHARS, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_to_scale_and_a_deficit_goes_left_of_zero():
    chart = bar_chart(
        "positions",
        "Positions",
        "Each scheme's position.",
        [("wiltshire", Decimal("-5"), "-5.00"), ("bright", Decimal("15"), "15.00")],
    )
    deficit, surplus = chart.bars
    assert deficit.negative and not surplus.negative
    assert deficit.x + deficit.width == pytest.approx(chart.zero_x)
    assert surplus.x == pytest.approx(chart.zero_x)
    assert surplus.width == pytest.approx(3 * deficit.width)


def test_all_positive_values_start_at_the_left_edge_of_the_plot():
    chart = bar_chart("volume", "Volume", "Volume.", [("Jan", 0, "0"), ("Feb", 4, "4")])
    assert chart.zero_x == chart.bars[0].x == chart.bars[1].x
    assert chart.bars[0].width == 0


def test_long_labels_are_cut_in_the_drawing_only():
    chart = bar_chart("x", "X", "X.", [("a-very-long-scheme-slug-indeed", 1, "1")])
    assert len(chart.bars[0].label) == LABEL_CHARS and chart.bars[0].label.endswith("…")


def test_an_id_that_could_break_the_markup_is_refused():
    with pytest.raises(ValueError):
        bar_chart('x" onload="alert(1)', "X", "X.", [])


@pytest.fixture
def render():
    app = Flask("lets_platform")

    def draw(chart, head=("Month", "Trades"), rows=()):
        with app.test_request_context():
            return render_template_string(
                '{% import "charts/macros.html" as charts %}'
                "{{ charts.with_table(chart, head, rows) }}",
                chart=chart,
                head=head,
                rows=rows,
            )

    return draw


def test_the_svg_is_well_formed_and_labelled_for_screen_readers(render):
    chart = bar_chart("trades", "Trades <per> month", "How many trades.", [("Jan & Feb", 3, "3")])
    html = render(chart, rows=[["Jan & Feb", "3"]])
    svg = ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "trades-title trades-desc"
    assert svg.find(f"{SVG}title").text == "Trades <per> month"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["Jan & Feb", "3"]


def test_the_table_has_the_figures_and_an_empty_chart_says_so(render):
    html = render(bar_chart("t", "T", "T.", []), rows=[])
    assert "<svg" not in html
    assert html.count("Nothing to show yet.") == 2
    html = render(bar_chart("t", "T", "T.", [("Jan", 3, "3")]), rows=[["Jan", "3"]])
    assert '<th scope="row">Jan</th><td class="num" data-label="Trades">3</td>' in html
