"""Schemas shared by every router."""

from typing import Generic, TypeVar

from ninja import Schema

T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None


class Ref(Schema):
    """A named reference to another object."""

    id: int
    name: str


class ErrorOut(Schema):
    detail: str
    code: str
