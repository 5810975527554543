"""numba plumbing that knows nothing of battles: a compiler for helper functions whose
code is only linked into an entry point, one compiled variant per helper, and a memo of
numba's typing of builtin calls during a compile, an entry point's compile without
LLVM's loop vectoriser, and a damaged disk-cache entry read as a miss.  Used by
:mod:`.compiled`; numba is imported only when these are called.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


@functools.cache
def link_only_compiler() -> Any:
    """numba's compiler for the helpers, whose code is only linked into the entry points:
    numba optimises and makes machine code of each library with every helper it calls
    linked in (a helper three calls deep, four times).  Here a helper's library stays LLVM
    IR after the function-level passes; the entry point's library is optimised once."""
    from numba.core import codegen, compiler, compiler_machinery, typed_passes

    class LinkOnlyLibrary(codegen.JITCodeLibrary):
        def _optimize_final_module(self) -> None:
            pass  # done once, in the library of the entry point that links this

        def _finalize_final_module(self) -> None:
            self._finalize_dynamic_globals()  # type: ignore[no-untyped-call]
            self._verify_declare_only_symbols()  # type: ignore[no-untyped-call]
            self._finalized = True  # no machine code: nothing calls this library's own

        @property
        def codegen(self) -> Any:
            return _NoEnvCodegen(self._codegen)

    @compiler_machinery.register_pass(mutates_CFG=True, analysis_only=False)  # type: ignore[no-untyped-call]
    class LinkOnlyLowering(typed_passes.NativeLowering):
        _name = "forceratio_link_only_lowering"

        def run_pass(self, state: Any) -> bool:
            gen = state.targetctx.codegen()
            state.library = LinkOnlyLibrary(gen, state.func_id.func_qualname)  # type: ignore[no-untyped-call]
            return bool(super().run_pass(state))  # type: ignore[no-untyped-call]

    class LinkOnlyCompiler(compiler.CompilerBase):
        def define_pipelines(self) -> list[Any]:
            return [_pipeline(self.state, {typed_passes.NativeLowering: LinkOnlyLowering})]

    return LinkOnlyCompiler


#: numba passes with nothing to do in the engine's kernels, skipped in their compiles: no
#: ``with`` blocks, closures or comprehensions, no branch that folds on a constant argument,
#: no overload inlined by request, no array expressions (the kernels loop over scalars),
#: and the check for unsupported features only words errors.  Together about a tenth of
#: a compile; the machine code of every entry point is byte-identical without them
#: (tests/simulator/test_compile_start.py), which fails as soon as a kernel needs one.
UNUSED_PASSES = frozenset({
    "WithLifting", "InlineClosureLikes", "DeadBranchPrune", "InlineOverloads",
    "NopythonRewrites", "NoPythonSupportedFeatureValidation",
})  # fmt: skip


@functools.cache
def entry_compiler() -> Any:
    """numba's compiler for the entry points: its own pipeline less :data:`UNUSED_PASSES`."""
    from numba.core import compiler

    class EntryCompiler(compiler.CompilerBase):
        def define_pipelines(self) -> list[Any]:
            return [_pipeline(self.state, {})]

    return EntryCompiler


def _pipeline(state: Any, swap: dict[Any, Any]) -> Any:
    """numba's nopython pipeline less :data:`UNUSED_PASSES`, a pass class replaced by
    its value in ``swap``."""
    from numba.core import compiler

    pm = compiler.DefaultPassBuilder.define_nopython_pipeline(state)  # type: ignore[no-untyped-call]
    pm.passes = [(swap.get(c, c), d) for c, d in pm.passes if c.__name__ not in UNUSED_PASSES]
    pm.finalize()
    return pm


class _NoEnvCodegen:
    """numba's code generator, for a library without machine code of its own: there is no
    environment pointer of its own to set (the helpers use none)."""

    def __init__(self, codegen: Any) -> None:
        self._codegen = codegen

    def set_env(self, env_name: str, env: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._codegen, name)


def one_variant(dispatcher: Any) -> None:
    """Compile a helper for the plain types of its arguments only: a constant argument
    (``0``, ``True``) would otherwise get a variant of its own (numba types constants as
    literals), and each variant costs a full compilation."""
    from numba.core import types as nb_types

    plain = dispatcher.get_call_template
    unliteral: Callable[[Any], Any] = nb_types.unliteral

    def call_template(args: tuple[Any, ...], kws: dict[str, Any]) -> Any:
        return plain(tuple(unliteral(a) for a in args), kws)

    dispatcher.get_call_template = call_template


_memo: dict[Any, Any] = {}  # while an entry point compiles: types of builtin calls
_flags: dict[int, tuple[Any, int]] = {}  # id of the compile flags: (flags, first id equal)
_memo_on = False


def memo_typing(dispatcher: Any) -> None:
    """While the entry point compiles, remember the type of each call of a builtin (an
    operator, a math function) by its argument types and compile flags: numba's type
    inference resolves the same 120-odd some 2,800 times, each time trying every template
    registered for the function (a fifth of the compile).  The memo lives for one compile."""
    from numba.core.compiler_lock import global_compiler_lock
    from numba.core.targetconfig import ConfigStack
    from numba.core.types import functions

    resolve = functions.BaseFunction.get_call_type
    if not getattr(resolve, "forceratio_memo", False):

        def get_call_type(self: Any, context: Any, args: Any, kws: Any) -> Any:
            if not _memo_on:
                return resolve(self, context, args, kws)
            flags = ConfigStack.top_or_none()  # type: ignore[no-untyped-call]
            if id(flags) not in _flags:  # (flags hash by their names, compare by values)
                same = [fk for f, fk in _flags.values() if f == flags]
                _flags[id(flags)] = flags, same[0] if same else id(flags)
            key = (self, context, tuple(args), tuple(kws.items()), _flags[id(flags)][1])
            try:
                sig = _memo.get(key, _memo)
            except TypeError:  # an unhashable argument type
                return resolve(self, context, args, kws)
            if sig is _memo:  # (resolved outside the except: no chained errors)
                _memo[key] = sig = resolve(self, context, args, kws)
            return sig

        get_call_type.forceratio_memo = True  # type: ignore[attr-defined]
        functions.BaseFunction.get_call_type = get_call_type  # type: ignore[method-assign]
    compile_one = dispatcher.compile

    def compile_memo(sig: Any) -> Any:
        global _memo_on
        with global_compiler_lock:
            _memo_on = True
            try:
                return compile_one(sig)
            finally:
                _memo_on = False
                _memo.clear()
                _flags.clear()

    dispatcher.compile = compile_memo


def scalar_loops(dispatcher: Any) -> None:
    """Compile the entry point without LLVM's loop vectoriser: the kernels step one
    scenario at a time through short loops over a handful of categories, where vector code
    buys nothing, and the vectoriser was a sixth of the compile (measured: the first sweep
    0.7 s quicker, warm sweeps no slower; benchmarks/RESULTS.md).  Floating-point results
    are unchanged (without fast-math LLVM does not reorder arithmetic in either case).  A
    ``NUMBA_LOOP_VECTORIZE`` set by the user is left as it is."""
    import os

    from numba.core import config
    from numba.core.compiler_lock import global_compiler_lock

    if "NUMBA_LOOP_VECTORIZE" in os.environ:
        return
    compile_one = dispatcher.compile

    def compile_scalar(sig: Any) -> Any:
        with global_compiler_lock:  # (numba's own compiles wait for the lock)
            before = getattr(config, "LOOP_VECTORIZE", 1)
            setattr(config, "LOOP_VECTORIZE", 0)  # noqa: B010 (numba's config is untyped)
            try:
                return compile_one(sig)
            finally:
                setattr(config, "LOOP_VECTORIZE", before)  # noqa: B010

    dispatcher.compile = compile_scalar


_noted: set[str] = set()  # damaged cache files already reported by this process


def mend_damaged_cache(dispatcher: Any) -> None:
    """Read a damaged disk-cache entry of the entry point ``dispatcher`` (an index or data
    file that is empty, truncated or overwritten, so that it does not unpickle or rebuild)
    as a miss, with a one-line notice (:func:`_note`): numba then compiles again and its save
    replaces the files.  numba's own loading lets the unpickling error through (and click
    reads its bare ``EOFError`` as a Ctrl-C), so every command failed until the files
    were deleted by hand.  An interrupt still interrupts."""
    cache: Any = getattr(dispatcher, "_cache", None)
    cache_file: Any = getattr(cache, "_cache_file", None)
    if cache is None or not hasattr(cache_file, "_load_index"):
        return
    load_index, load_data = cache_file._load_index, cache_file._load_data
    load_overload = cache.load_overload

    def index() -> Any:
        try:
            return load_index()
        except Exception as exc:
            _note(cache_file._index_path, exc)
            return {}

    def data(name: str) -> Any:
        try:
            return load_data(name)
        except Exception as exc:
            _note(cache_file._data_path(name), exc)
            return None

    def overload(sig: Any, target_context: Any) -> Any:
        try:
            return load_overload(sig, target_context)
        except Exception as exc:  # unpickled, but not a compiled function
            _note(cache_file._index_path, exc)
            return None

    cache_file._load_index, cache_file._load_data = index, data
    cache.load_overload = overload


def _note(path: str, exc: BaseException) -> None:
    """Report a damaged cache file once, through the ``forceratio`` logger: the command line
    prints it as one ``forceratio: note:`` line; a library user sees it as a logged warning."""
    import logging

    if path not in _noted:
        _noted.add(path)
        kind = type(exc).__name__
        logging.getLogger("forceratio.jit").warning(
            "compile cache file %s is damaged (%s); compiling again", path, kind
        )
