"""``sensitivity --posterior``'s memory estimate counted the runs and a bootstrap
batch of 500,000 weights whatever the runs, but not :func:`decompose`'s regression bases
(31 inputs' cubic splines of up to 35 terms, 8.7 kB a run from 4,096 runs on, kept to its
end).  Peak measured as hmem20 measures the commands (VmHWM less RssFile's growth from the
imported command line), strike-12june-strip: 209, 315 and 483 MB at 2,000, 5,000 and 20,000
runs, estimated 300, 321 and 423 MB (1.43, 1.02, 0.88; growing 7 kB a run where the peak
grew 11 kB; about 0.77 at 40,000).  It now counts the bases
(:func:`~forceratio.sweeps.mechanisms.bases_bytes`) and the bootstrap's real batch (100
resamples of 2,000 runs are 200,000 weights, not 500,000): 204, 310 and 541 MB (0.97, 0.98,
1.12)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.memory_child import child, measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status"),
]

# The command as the CLI runs it, measured from the imported command line (as hmem20
# measures the batch commands: the calibration's loading is the command's own).
COMMAND = child(
    """
    import contextlib, io
    from forceratio.cli.app import app
    """,
    """
    with contextlib.redirect_stdout(io.StringIO()):
        app(["sensitivity", "strike-12june-strip", "--posterior", sys.argv[1],
             "--format", "json"], standalone_mode=False)
    """,
)


def test_a_posterior_decompositions_estimate_is_close_to_the_peak(tmp_path: Path) -> None:
    """2,000 joint runs: about 209 MB measured, 204 MB estimated (300 MB before: 1.43)."""
    added, asked = measure(COMMAND, ["2000"], tmp_path)
    estimate = dict(asked)["--posterior"]
    assert 0.8 <= estimate / added <= 1.3, (asked, added)
