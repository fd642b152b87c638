"""Shared by the tests of mfedu.checks (imported by test modules; pytest collects nothing here)."""


def verdict(fb, ok, *words):
    """Assert a check's Feedback: its verdict, its marker, and that its message names ``words``."""
    assert fb.ok is ok, repr(fb)
    for w in words:
        assert w in fb.message, (w, fb.message)
    mark = {True: "Correct:", False: "Not yet:", None: "Not attempted:"}[ok]
    assert repr(fb).startswith(mark) and bool(fb) is bool(ok)
