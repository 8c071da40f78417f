"""The distribution of teams' scores over time: stacked bars, one block per score that teams hold."""

from qicop.charts.score_distribution import score_distribution

SCORES = ["1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]


def _counts(*rows):
    return [list(row) + [0] * (len(SCORES) - len(row)) for row in rows]


def test_each_month_stacks_one_block_per_score_that_teams_hold():
    drawing = score_distribution(
        ["Jan 2026", "Feb", "Mar"],
        _counts([2, 1], [1, 1, 1], [0, 0, 1, 2]),
        scores=SCORES,
        title="Scores",
        description="How many teams at each score",
    )
    blocks = [p for p in drawing.find("rect") if any(c.startswith("s") for c in p.classes)]
    assert len(blocks) == 2 + 3 + 2
    assert "Mar, score 2.5: 2 of 3 teams" in [b.tooltip for b in blocks]


def test_a_blocks_height_is_proportional_to_its_count_and_bars_start_at_zero():
    drawing = score_distribution(["Jan 2026"], _counts([1, 3]), scores=SCORES, title="t", description="d")
    low, high = (p for p in drawing.find("rect") if p.classes[0] in ("s0", "s1"))
    height = lambda block: block.points[1][1] - block.points[0][1]  # noqa: E731
    assert height(high) == 3 * height(low)
    assert high.points[1][1] == low.points[0][1]  # stacked: the higher score sits on the lower


def test_a_collaborative_without_scores_says_so_instead_of_an_empty_frame():
    drawing = score_distribution(["Jan 2026"], _counts([]), scores=SCORES, title="t", description="d")
    assert [t.text for t in drawing.find("text")] == ["t", "No scores yet"]


def test_the_legend_names_every_score_in_the_readers_language():
    drawing = score_distribution(
        ["Jan 2026"],
        _counts([1]),
        scores=SCORES,
        title="t",
        description="d",
        translate=lambda s: s.replace("Score", "Note"),
    )
    legend = [t.text for t in drawing.find("text", "key")]
    assert legend[0] == "Note 1.0" and legend[-1] == "Note 5.0"


def test_the_drawing_renders_as_svg_and_png():
    drawing = score_distribution(
        ["Jan 2026", "Feb"], _counts([1], [0, 1]), scores=SCORES, title="t", description="d"
    )
    assert drawing.to_svg().startswith("<svg")
    assert drawing.to_png()[:4] == b"\x89PNG"
