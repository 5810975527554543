"""Resource limits: refuse up front what would exhaust memory, disk or patience.

Every limit is checked before the work starts and refused with one :class:`InputError`
line that states the estimate, the limit and what it was measured against.  Each limit
can be lifted by one environment variable (the single scheme of the package, listed in
the README):

``FORCERATIO_MAX_MEMORY``
    Largest estimated working memory of one command, or of one call from Python
    (``battle`` with replications, ``evaluate_chunk``, ``fit_map``; default: half of the
    memory the kernel reports available, ``MemAvailable`` in ``/proc/meminfo``).
``FORCERATIO_MAX_DISK``
    Largest estimated output of one sweep (default: 90% of the free space of the target
    file system).
``FORCERATIO_MAX_FILE``
    Largest user input file read (default 64 MB: scenario TOML, table and battle CSVs).

A value is a size with an optional unit, ``500M``, ``40G``, ``2T`` (powers of 1024) or a
plain number of bytes; ``unlimited`` switches the check off.
"""

from __future__ import annotations

import operator
import os
import re
import shutil
from pathlib import Path

from forceratio.errors import InputError

MAX_MEMORY_ENV = "FORCERATIO_MAX_MEMORY"
MAX_DISK_ENV = "FORCERATIO_MAX_DISK"
MAX_FILE_ENV = "FORCERATIO_MAX_FILE"
DEFAULT_MAX_FILE = 64 * 1024**2
#: Share of the available memory (and of the free disk) a command may plan to use.
MEMORY_SHARE = 0.5
DISK_SHARE = 0.9
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE)


THREADS_ENV = "FORCERATIO_THREADS"
#: Most stochastic runs of a scenario one call asks for: each is a whole campaign (about
#: 20 kB at 31 days, :func:`.scenarios.run.batch_bytes`, and a day's engine steps; 10^6 ran
#: for more than 12 minutes at 3.2 GB).
#: ``battle``'s lone battles, 600 B each, are bounded by memory alone.
MAX_REPLICATIONS = 100_000


def check_replications(value: object, field: str = "replications") -> int | None:
    """The one rule of a scenario's replications, on the command line (``--replications``
    of run, compare, sweep, sensitivity, threshold and plot, through its callback) and from
    Python (``compare()``, ``run()``): None (deterministic) or a whole number from 1 to
    :data:`MAX_REPLICATIONS`.  Returns it as an ``int``."""
    if value is None:
        return None
    if isinstance(value, bool) or not hasattr(value, "__index__"):  # not a float or text
        raise InputError(field, f"must be a whole number, got {value!r}")
    n = operator.index(value)  # a Python or numpy integer
    if n < 1:
        raise InputError(field, "Input should be greater than or equal to 1")
    if n > MAX_REPLICATIONS:
        raise InputError(field, f"Input should be less than or equal to {MAX_REPLICATIONS}")
    return n


def check_threads_env() -> None:
    """Refuse a ``FORCERATIO_THREADS`` that is not a whole number >= 1 (the engine, which
    reads it, would otherwise fall back to every core without a word)."""
    text = os.environ.get(THREADS_ENV, "").strip()
    if text and (not text.isdigit() or int(text) < 1):
        raise InputError(THREADS_ENV, f"expected a whole number of threads >= 1, got {text!r}")


def usable_cores() -> int:
    """The cores this process may run on: its affinity where the system says (Linux), else
    every core; at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def parse_size(text: str, field: str) -> float:
    """``"40G"`` -> bytes; ``"unlimited"`` -> infinity."""
    if text.strip().lower() in ("unlimited", "inf", "none"):
        return float("inf")
    hit = _SIZE.match(text)
    if not hit:
        raise InputError(field, f"expected a size like 500M, 40G or unlimited, got {text!r}")
    return float(hit.group(1)) * _UNITS[hit.group(2).upper()]


def human(n: float) -> str:
    """Bytes as ``1.5 GB`` (powers of 1024, as ``free -h``)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        if unit == "PB":  # beyond any machine: three digits, not twenty-two
            return f"{n:.3g} PB"
        n /= 1024
    raise AssertionError("unreachable")


def available_memory() -> float:
    """Bytes the kernel reports available (``MemAvailable``), or total RAM if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError):
        return float("inf")


def max_file_size() -> float:
    """The largest user input file read, in bytes."""
    text = os.environ.get(MAX_FILE_ENV)
    return DEFAULT_MAX_FILE if text is None else parse_size(text, MAX_FILE_ENV)


def check_memory(field: str, estimate: float, what: str) -> None:
    """Refuse work whose estimated memory exceeds the limit.

    ``estimate`` is in bytes; ``what`` says what it is for (``"10^9 replications"``).
    """
    text = os.environ.get(MAX_MEMORY_ENV)
    if text is not None:
        limit = parse_size(text, MAX_MEMORY_ENV)
        basis = f"the limit {MAX_MEMORY_ENV}={text}"
    else:
        avail = available_memory()
        limit = MEMORY_SHARE * avail
        basis = f"half of the {human(avail)} of memory available"
    if estimate > limit:
        raise InputError(
            field,
            f"{what} need about {human(estimate)} of memory, above {basis}; "
            f"use fewer, or set {MAX_MEMORY_ENV} (e.g. {MAX_MEMORY_ENV}=64G) to lift the limit",
        )


def check_disk(field: str, target: Path, estimate: float, what: str) -> None:
    """Refuse output whose estimated size exceeds the limit (free space of ``target``'s
    file system by default; ``target`` need not exist yet)."""
    text = os.environ.get(MAX_DISK_ENV)
    if text is not None:
        limit = parse_size(text, MAX_DISK_ENV)
        basis = f"the limit {MAX_DISK_ENV}={text}"
    else:
        probe = target.absolute()
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            free = float(shutil.disk_usage(probe).free)
        except OSError:
            return  # nothing to measure against: the write itself will report
        limit = DISK_SHARE * free
        basis = f"90% of the {human(free)} free on {probe}"
    if estimate > limit:
        raise InputError(
            field,
            f"{what} would write about {human(estimate)}, above {basis}; "
            f"use fewer, or set {MAX_DISK_ENV} (e.g. {MAX_DISK_ENV}=2T) to lift the limit",
        )


#: One evaluation of a calibration's model, for the sampler's and the mode's memory checks
#: (:func:`.calibration.sampling.sample_posterior`, :func:`.calibration.mode.fit_map`,
#: through :func:`.calibration.result.predictive_bytes` and :func:`model_bytes`: they know
#: the model only as a callable): the whole 1941 record's model (six scenarios, 29 records,
#: the integrator), peak anonymous memory (VmHWM less RssFile's growth) of one call after a
#: warm one, as the scenarios' runs (:func:`.scenarios.run.batch_bytes`) every run's state
#: and trajectories plus the operational quadratures' blocks in flight, 512 runs a thread
#: (2026-12-05): 2 threads 20.2, 89.9, 123.7 and 193.9 MB at 250, 1,000, 2,000
#: and 4,000 runs, 1 thread 42.4, 51.0, 80.6 and 142.6 MB at 500, 1,000, 2,000 and 4,000:
#: 30-35 kB a run above the blocks, 83-92 kB a run within them; this estimate is 0.93-1.16
#: of each (and 0.96-1.24 of a sampling run's peak, 240 to 2,016 draws on one thread or two).
#: The flat 64 kB a run counted before (fitted at 2,000 runs on 2 threads) read
#: 0.71 of a 240-draw sampling run and 1.35 of a 2,016-draw one on one thread, and did not
#: grow with a machine's threads (16 threads hold 8,192 runs in blocks).
BYTES_PER_MODEL_RUN = 32 * 1024
BYTES_PER_MODEL_BLOCK_RUN = 56 * 1024


def model_bytes(runs: int) -> float:
    """Estimated working memory of one call of a calibration's model on ``runs`` parameter
    vectors: :data:`BYTES_PER_MODEL_RUN` each, and :data:`BYTES_PER_MODEL_BLOCK_RUN` each
    of those in the operational quadratures' blocks in flight
    (:data:`.scenarios.operations.BLOCK` runs on each of
    :func:`.scenarios.run.engine_threads`)."""
    from forceratio.scenarios.operations import BLOCK
    from forceratio.scenarios.run import engine_threads

    blocks = min(runs, BLOCK * engine_threads())
    return float(runs) * BYTES_PER_MODEL_RUN + float(blocks) * BYTES_PER_MODEL_BLOCK_RUN


#: Working memory of one stochastic replication of ``battle``: 541 B measured (peak RSS at
#: 10^6 replications less 10^5), rounded up; each trajectory time adds two floats.
BYTES_PER_BATTLE_RUN = 600
#: Working memory of one deterministic battle of :func:`~forceratio.battle` (one category a
#: side, its outputs and the engine's per-battle state) by the path it takes: peak RSS of
#: 2*10^5 and 2*10^6 battles less a warm 10-battle call (2026-12-04, ru_maxrss and VmHWM:
#: square's compiled closed form 66-70 B, the linear, logarithmic and ancient closed forms
#: 192-211 B, the integrator 696-714 B), rounded up by about a tenth.
BYTES_PER_DETERMINISTIC_RUN = {"square": 80, "closed_form": 224, "integrator": 768}
#: Working memory of the runs of a scenario (:func:`.scenarios.run.batch_bytes`, which
#: :func:`.scenarios.run.run` checks and the commands' estimates build on): per run and
#: sector, a state and the trajectories over the recorded days; a block of the operational
#: quadratures per thread (:data:`.scenarios.operations.BLOCK` samples, each with its
#: replications, on the fine grid of every recorded day); a staged run's (dated mobile
#: counts) stitched trajectories and a closed form's block of temporaries.  Fitted to VmHWM
#: (reset through /proc/self/clear_refs) of run(samples) after a warm run, 100 to 50,000
#: samples, 2 threads, 2026-12-05: strike-12june-strip (31 days) 7.0 kB a sample
#: + 15 MB, kiev-1941 (83) 14.3 kB + 42 MB, leningrad-1941 (84, staged) 16.3 kB + 75 MB;
#: 5,000 and 40,000 replications of the strike 102 and 802 MB.
BYTES_PER_SECTOR_RUN = 2700
BYTES_PER_SECTOR_DAY = 144
BYTES_PER_BLOCK_DAY = 480
BYTES_PER_STAGED_DAY = 24
#: What a batch command (sweep, threshold, sensitivity --posterior) allocates above the
#: imported command line before its runs: numpy, pandas, scipy, the loaded engine, the tables
#: and the calibration.  Anonymous memory only: the libraries' mapped files (file-backed,
#: reclaimable) took 146-158 MB more on a warm page cache and 222-234 MB more in a freshly
#: installed environment (the same versions), which no constant can track.  Measured as
#: VmHWM less the resident memory after importing the CLI, less the growth of RssFile,
#: 2026-12-05: a deterministic threshold's 33 runs 134 MB; sweeps 162-393 MB with their runs;
#: set so that every command case sits at 0.85-1.26 of its measured peak.  ``calibrate`` (a
#: fit computed, the mode stood in by the shipped posterior's; 2026-12-05): 150 MB
#: at 24 walkers x 100 steps, 278 MB at 48 x 1,100 (2,112 draws), ``--mode map`` 203 MB;
#: this base and the method's estimate read 0.90, 0.99 and 1.19 of them.  Kept: beside
#: ``fit_map`` the command holds only 52 MB, but beside the sampler about 120 MB, and a
#: small run's peak is the command's own (60 MB would read 0.77 at 48 x 1,100).
BYTES_COMMAND_BASE = 120 * 1024**2
#: Anonymous memory of one local worker process of ``sweep --workers`` before its chunk:
#: an interpreter with numpy, pandas, pyarrow, the compiled engine and the prepared
#: scenario.  Measured as each worker's VmHWM less its RssFile (polled from the command
#: while it ran; the workers are its children), less the chunk's
#: :func:`.scenarios.run.batch_bytes`, strike-12june-strip, 2 workers, chunks of 2,000,
#: 10,000 and 20,000 samples, 2026-12-05: 127-147 MB; the command itself (which
#: runs no chunk) 144-163 MB.  Set so that the command and its workers sit at 0.94-1.0 of
#: their summed peaks (the 320 MB counted before, the workers' whole RSS with the
#: libraries' shared, reclaimable file pages, and 320 MB more for the chunks of all of
#: them, was 1.28-1.38).
BYTES_PER_WORKER = 150 * 1024**2
#: What drawing a figure adds to a command (matplotlib, the canvas, the PNG): ``plot --kind
#: distribution``'s peak (as :data:`BYTES_COMMAND_BASE`) less the command's own and its
#: runs' :func:`.scenarios.run.batch_bytes`, 200 to 20,000 replications of
#: strike-12june-strip and kiev-1941, 2026-12-05: 0-22 MB, 14 MB at the median.
BYTES_FIGURE = 16 * 1024**2
#: Scenario-times of a closed form's trajectory evaluated at once
#: (:func:`.simulator.solve.closed_form_result` works block by block).
TRAJECTORY_BLOCK = 1 << 18
#: Working memory of a block: the closed forms' temporaries, at most 16 arrays of it (33.5
#: MB; measured with tracemalloc 27 MB above the two trajectories, 2026-12-04).
BYTES_TRAJECTORY_WORK = 16 * 8 * TRAJECTORY_BLOCK


def trajectory_bytes(n: int, n_times: int) -> float:
    """Working memory of ``battle(times=...)``'s deterministic trajectories: two floats a
    scenario and time (red's, blue's) and two a time (the times, checked), plus a closed
    form's block of temporaries."""
    return 16.0 * (n + 1) * n_times + BYTES_TRAJECTORY_WORK


#: Runs a sensitivity analysis evaluates at once (:func:`.sweeps.sensitivity.outcome_values`).
ANALYSIS_BLOCK = 16384
#: What every run of a sensitivity analysis keeps to its end (its sample, its outcome and
#: scipy's copies): 0.6 kB measured between 45,056 and 180,224 Sobol runs of
#: strike-12june-strip, rounded up.
BYTES_PER_KEPT_RUN = 1024


def analysis_bytes(block: float, runs: int, extra: float = 0.0) -> float:
    """Estimated anonymous memory of a command's sensitivity analysis (``sensitivity
    --samples`` and ``--trajectories``): the command's own (:data:`BYTES_COMMAND_BASE`), the
    largest call's block of runs (``block``, bytes: its :func:`.scenarios.run.batch_bytes`,
    at most :data:`ANALYSIS_BLOCK` runs), what each of the ``runs`` keeps
    (:data:`BYTES_PER_KEPT_RUN`) and the analysis's own arrays (``extra``, bytes: Morris's
    bootstrap).  Measured
    (VmHWM less RssFile's growth, 2026-12-05), Sobol: strike-12june-strip
    (20 ranges) 184, 271-312 and 395 MB at 256, 1,024 and 4,096 samples, kiev-1941 (2
    ranges) 160, 203, 278 and 486 MB at 256 to 16,384; Morris on the strike 152 and 552 MB
    at 32 and 4,000 trajectories.  This estimate is 0.90-1.23 of each (the 300 MB base
    counted before, with the libraries' file pages and a full block of runs, read 1.18-2.0;
    0.84 at 4,000 trajectories, whose bootstrap it did not count)."""
    return BYTES_COMMAND_BASE + block + float(runs) * BYTES_PER_KEPT_RUN + extra


#: Stored size of one value of a sweep row (Parquet, 7.2 B measured on random floats).
BYTES_PER_STORED_VALUE = 8
#: Stored size of one column of one sweep part beyond its values: the Parquet footer, the
#: Arrow and pandas schemas and the page headers, 620-690 B measured (2026-12-06).
BYTES_PER_PART_COLUMN = 800
#: The sweep's manifest (``_sweep.json``), 1.5-2.4 kB measured.
BYTES_SWEEP_MANIFEST = 4096


def sweep_bytes(rows: int, columns: int, parts: int) -> float:
    """Bytes a sweep of ``rows`` rows of ``columns`` columns in ``parts`` Parquet parts
    writes.  Measured (2026-12-06, files on disk): strike-12june-strip (39 columns) 65.1,
    52.1 and 189.0 kB at 16 rows in 2 parts, 64 in 1 and 256 in 4; kiev-1941 (19 columns)
    14.4 kB at 8 rows in 1; this estimate is 1.10, 1.06, 1.10 and 1.42 of them (the values
    alone, 8 B each, were 0.08-0.42: a small sweep is mostly footers)."""
    per_row = float(rows) * columns * BYTES_PER_STORED_VALUE
    return per_row + parts * columns * BYTES_PER_PART_COLUMN + BYTES_SWEEP_MANIFEST


def check_runs(field: str, runs: int, what: str, per_run: float) -> None:
    """Refuse a batch of ``runs`` lone battles of ``per_run`` bytes each (``battle``'s
    :data:`BYTES_PER_DETERMINISTIC_RUN`, :data:`BYTES_PER_BATTLE_RUN`) evaluated at once if
    it would not fit.  A scenario's runs are sized by :func:`.scenarios.run.batch_bytes`:
    the flat 4 kB a scenario run counted before (``BYTES_PER_SCENARIO_RUN``, 0.004-0.6 of
    the measured peaks) is gone, with its last user."""
    check_memory(field, float(runs) * per_run, what)
