"""make_side from Python: an error names the caller's side and make_side's own argument
(``USSR.kill_rates``), never a name the caller did not use (``USSR_rate``, ``red``)."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import Engagement, InputError, battle, get_law, make_side

CATS = ("men", "guns", "tanks")


def test_a_kill_rate_matrix_of_the_wrong_shape_names_the_side_and_argument() -> None:
    with pytest.raises(InputError) as err:
        make_side("USSR", np.ones((2, 3)), np.ones((2, 3, 3)), n=2, k_enemy=2, categories=CATS)
    assert err.value.field == "USSR.kill_rates"
    assert err.value.problem == "expected shape (2, 3, 2), got (2, 3, 3)"
    with pytest.raises(InputError) as err:
        make_side("USSR", np.ones((3, 3)), 1.0, n=2, k_enemy=2, categories=CATS)
    assert err.value.field == "USSR.strength"
    with pytest.raises(InputError) as err:
        make_side("USSR", np.ones((2, 3)), 1.0, n=2, k_enemy=2, categories=CATS, weights=[1.0, 2.0])
    assert err.value.field == "USSR.weights"


def test_an_engagement_names_the_sides_as_the_caller_named_them() -> None:
    ussr = make_side("USSR", np.ones((2, 3)), 0.1, n=2, k_enemy=3, categories=CATS)
    germany = make_side("Germany", np.ones((2, 2)), 0.1, n=2, k_enemy=3, categories=CATS[:2])
    with pytest.raises(InputError) as err:
        Engagement(get_law("square"), ussr, germany)  # USSR aims at 3 kinds, Germany has 2
    assert err.value.field == "USSR.kill_rates"
    assert "Germany has 2 categories" in err.value.problem
    with pytest.raises(InputError) as err:  # since session 21 the side itself (Side checks)
        make_side("Germany", np.ones((2, 2)), 1e200, n=2, k_enemy=3, categories=CATS[:2])
    assert err.value.field == "Germany.kill_rates"


def test_battle_keeps_its_own_argument_names() -> None:
    """battle() builds its sides with make_side: its errors still name its arguments."""
    with pytest.raises(InputError) as err:
        battle("square", [1.0, 2.0], [1.0, 2.0], 0.1, 0.1, red_breakpoint=1.5)
    assert err.value.field == "red_breakpoint"
    with pytest.raises(InputError) as err:
        battle("square", [1.0, 2.0], [1.0, 2.0], 0.1, 0.1, annihilation=-1.0)
    assert err.value.field == "annihilation"
