"""The comparisons the assignments' hidden tests use: torch's own, as they were when this module was imported.

A submission that rebinds `torch.allclose` (or `isclose`, `equal`) gets past the visible tests, not the
hidden ones: they compare with these copies, taken before any student code could run. While grading,
the kernel imports this module before the first cell (`i2i_course/course/kernel_startup.py`); elsewhere
the hidden tests import it themselves, and they only run in the instructor's notebook. A tensor subclass
cannot answer for torch here either: its `__torch_function__` is switched off while comparing.

    from i2i_course.references import allclose
    assert allclose(l1_loss(a, b), (a - b).abs().mean())

Never imports nbgrader (this is the student's side of the course).
"""

import contextlib

import torch

_allclose, _isclose, _equal, _bool = torch.allclose, torch.isclose, torch.equal, bool
_plain = getattr(torch._C, "DisableTorchFunctionSubclass", contextlib.nullcontext)


def allclose(actual, expected, rtol=1e-05, atol=1e-08, equal_nan=False):
    """torch.allclose(actual, expected, ...) as torch defines it: True or False."""
    with _plain():
        return _bool(_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(actual, expected, rtol=1e-05, atol=1e-08, equal_nan=False):
    """torch.isclose(actual, expected, ...) as torch defines it: a bool tensor, elementwise."""
    with _plain():
        return _isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan).as_subclass(torch.Tensor)


def equal(actual, expected):
    """torch.equal(actual, expected) as torch defines it: True or False."""
    with _plain():
        return _bool(_equal(actual, expected))
