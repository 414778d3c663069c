"""Fixtures of the automation tests: after-commit work (the event handlers) run as in
production, and the webhook tests' loopback receiver."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from tests.webhooks.conftest import receiver  # noqa: F401 (a fixture)


@pytest.fixture
def handled(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[None]]:
    """`with handled():` runs what commits inside the block and everything its on-commit
    hooks start (event dispatch, handlers, the actions they take), as the worker would."""

    @contextmanager
    def block() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block
