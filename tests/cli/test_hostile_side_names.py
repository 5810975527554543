"""Side names under hostile input (review22a H2, M1, M2, L12).

A name the other side is also shown by (given, or left as its slot's name), a blank name
and a name with a control character are refused with one line naming ``side_names.<slot>``
(exit 2); any other name is printed and drawn literally: rich markup (``[/]``,
``[bold]``) in the terminal tables, matplotlib mathtext (``$_$``, ``$\\foo{$``) in the
figures, HTML in the report.  The oracle is the name itself: what is shown is what was
given.  In an SVG matplotlib defines the ``$`` glyph (``DejaVuSans-<its glyph index>``,
the font's own index) only where a literal dollar sign is drawn; mathtext takes the signs
as delimiters and draws none.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from forceratio.cli.app import app
from tests.scenario_files import ScenarioFile

runner = CliRunner()

#: Ten days of the square law; the side names go among the top-level keys, before the
#: uncertainty ranges the sweep and sensitivity commands take.
FILE = ScenarioFile(
    name="hostile", description="square law, two named sides",
    date=datetime.date(1973, 10, 14), duration_days=10,
)  # fmt: skip
UNCERTAINTY = """
[uncertainty]
"attrition.german_rate" = [0.01, 0.014]
"attrition.soviet_rate" = [0.008, 0.012]
"""

MARKUP = {"USSR": "Blue [/]", "Germany": "[bold]Red[/bold]"}
MATH = {"USSR": "$_$ Blue", "Germany": "Red $\\foo{$"}


def _toml(s: str) -> str:
    """``s`` as a TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(s).replace("\x7f", "\\u007f")


def _file(tmp_path: Path, names: dict[str, str], stem: str = "hostile") -> str:
    inner = ", ".join(f"{slot} = {_toml(n)}" for slot, n in names.items())
    head = f"side_names = {{ {inner} }}" + UNCERTAINTY
    return str(dataclasses.replace(FILE, head=head).write(tmp_path / f"{stem}.toml"))


def _flat(output: str) -> str:
    """Table text with the borders and the line breaks of wrapped cells taken out."""
    return " ".join(re.sub(r"[│┃┏┓┗┛┡┩└┘━─╇┳┻╋┼┬┴]", " ", output).split())


def _refused(res: Result, field: str, word: str) -> None:
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f": side_names.{field}: " in lines[0], lines[0]
    assert word in lines[0].split(f": side_names.{field}: ", 1)[1], lines[0]  # not the path's
    assert "\x1b" not in lines[0]
    assert "Traceback" not in res.output


# --- H2, L12: refused names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "field"),
    [
        ({"USSR": "Germany"}, "USSR"),  # the other side keeps its slot's name, Germany
        ({"Germany": " ussr "}, "Germany"),  # trimmed and case-folded
        ({"USSR": "Red", "Germany": " RED"}, "Germany"),  # both given
    ],
)
def test_a_name_the_other_side_is_shown_by_is_refused(
    tmp_path: Path, names: dict[str, str], field: str
) -> None:
    _refused(runner.invoke(app, ["run", _file(tmp_path, names)]), field, "both would be shown as")


def test_one_side_may_be_named_alone(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", _file(tmp_path, {"USSR": "Blue"})])
    assert res.exit_code == 0, res.output
    text = _flat(res.stdout)
    assert "Blue men lost" in text
    assert "Germany men lost" in text
    collide = runner.invoke(app, ["run", _file(tmp_path, {"USSR": "germany"})])
    _refused(collide, "USSR", "both would be shown as")


@pytest.mark.parametrize("name", ["   ", "", "\u00a0\u3000"])
def test_a_blank_name_is_refused(tmp_path: Path, name: str) -> None:
    _refused(runner.invoke(app, ["run", _file(tmp_path, {"USSR": name})]), "USSR", "blank")


CONTROL = ["Bl\nue", "R\x1b[31med", "a\rb", "x\x00", "del\x7f", "c1\x85", "c\x9b31m", "ls\u2028"]


@pytest.mark.parametrize("name", CONTROL)
def test_a_name_with_a_control_character_is_refused(tmp_path: Path, name: str) -> None:
    _refused(
        runner.invoke(app, ["run", _file(tmp_path, {"Germany": name})]), "Germany", "printable"
    )


def test_set_is_checked_like_the_file(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["run", _file(tmp_path, {"USSR": "Blue"}), "--set", 'side_names.USSR="Germany"']
    )
    assert res.exit_code == 2, res.output
    assert "side_names.USSR" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# --- M1: rich markup is printed literally -------------------------------------------------


def test_markup_in_names_is_printed_as_written_by_run_and_compare(tmp_path: Path) -> None:
    path = _file(tmp_path, MARKUP)
    for args in (["run", path], ["compare", path, _file(tmp_path, MARKUP, "second")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        text = _flat(res.stdout)
        assert "Blue [/] men lost" in text, text
        assert "[bold]Red[/bold] men lost" in text
    titled = _flat(runner.invoke(app, ["compare", path, _file(tmp_path, MARKUP, "second")]).stdout)
    assert "Scenario comparison (Blue [/] : [bold]Red[/bold])" in titled
    given = runner.invoke(app, ["run", _file(tmp_path, {}), "--set", 'side_names.USSR="[/]"'])
    assert given.exit_code == 0, given.output
    assert "[/] men lost" in _flat(given.stdout)


def _grid(path: str, out: Path, *vary: str) -> str:
    """A grid sweep of ``path`` into ``out`` over each ``vary`` (``name=low:high:n``); its
    stdout."""
    args = ["sweep", path, "--method", "grid", "--out", str(out), "--no-progress"]
    swept = runner.invoke(app, [*args, *(a for v in vary for a in ("--vary", v))])
    assert swept.exit_code == 0, swept.output
    return swept.stdout


def test_markup_in_names_is_printed_in_sweep_and_sensitivity_tables(tmp_path: Path) -> None:
    path = _file(tmp_path, MARKUP)
    listed = runner.invoke(app, ["sweep", path, "--list"])
    assert listed.exit_code == 0, listed.output
    assert "[bold]Red[/bold] kill rate" in _flat(listed.stdout)
    rates = ("attrition.german_rate=0.01:0.014:2", "attrition.soviet_rate=0.008:0.012:2")
    swept = _grid(path, tmp_path / "sw", *rates)
    assert "Blue [/] men lost (soviet_losses)" in _flat(swept)
    sens = runner.invoke(app, ["sensitivity", path, "--samples", "16"])
    assert sens.exit_code == 0, sens.output
    assert "Blue [/] kill rate" in _flat(sens.stdout)


# --- M2: mathtext is drawn literally ------------------------------------------------------


def _dollar_glyph() -> str:
    """The SVG id of the ``$`` glyph of DejaVu Sans, matplotlib's default font."""
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    font = FT2Font(findfont(FontProperties(family="DejaVu Sans")))
    return f'id="DejaVuSans-{font.get_char_index(ord("$")):x}"'


def _svg(tmp_path: Path, *args: str) -> str:
    out = tmp_path / f"{args[args.index('--kind') + 1]}.svg"
    res = runner.invoke(app, ["plot", *args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["trajectory", "ratios", "distribution", "tornado"])
def test_mathtext_in_names_is_drawn_literally(tmp_path: Path, kind: str) -> None:
    extra = {"distribution": ["--replications", "20"], "tornado": ["--samples", "16"]}
    svg = _svg(tmp_path, _file(tmp_path, MATH), "--kind", kind, *extra.get(kind, []))
    assert _dollar_glyph() in svg  # drawn literally
    if kind == "ratios":  # no label of the package has a "$": the glyph is the names'
        plain = _svg(tmp_path, _file(tmp_path, {"USSR": "Blue"}, "plain"), "--kind", kind)
        assert _dollar_glyph() not in plain


def test_mathtext_in_names_is_drawn_literally_in_the_heatmap(tmp_path: Path) -> None:
    path = _file(tmp_path, {"USSR": "$x^2$", "Germany": "Red"})  # valid mathtext: no error
    out = tmp_path / "sw"
    _grid(path, out, "modifiers.quality.USSR=0.8:1.2:2", "attrition.german_rate=0.01:0.014:2")
    svg = _svg(tmp_path, path, "--kind", "sweep", "--from", str(out))
    assert _dollar_glyph() in svg
    assert "$x^2$ quality" in svg


def test_hostile_names_in_the_html_report(tmp_path: Path) -> None:
    names = {"USSR": "$_$ <b>[/]", "Germany": "Red & <script>x</script>"}
    out = tmp_path / "rep"
    res = runner.invoke(app, ["report", _file(tmp_path, names), "--out", str(out)])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>x" not in page
    assert "<b>[/]" not in page
    assert "$_$ &lt;b&gt;[/] men lost" in page
    assert "Red &amp; &lt;script&gt;x&lt;/script&gt; men lost" in page


def test_a_bar_in_a_name_keeps_markdown_tables_whole(tmp_path: Path) -> None:
    path = _file(tmp_path, {"USSR": "A|B", "Germany": "Red"})
    for args in (["compare", path], ["sensitivity", path, "--samples", "16"]):
        res = runner.invoke(app, [*args, "--format", "markdown"])
        assert res.exit_code == 0, res.output
        rows = [ln for ln in res.stdout.splitlines() if ln.startswith("|")]
        bars = {len(re.findall(r"(?<!\\)\|", ln)) for ln in rows}  # cells + 1, every row
        assert len(bars) == 1, rows
        assert any("A\\|B" in ln for ln in rows)
