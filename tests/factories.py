"""Factories for rows that tests need as a starting point. Conversations are created through
actions (tests.builders), never by factories, so they follow the real rules."""

from typing import Any

import factory

from sapa.accounts.models import Agent, Role, Team
from sapa.customers.models import Customer


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tim {n}")
    slug = factory.Sequence(lambda n: f"tim-{n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agen{n}")
    email = factory.LazyAttribute(lambda agent: f"{agent.username}@tokobuku.test")
    first_name = factory.Faker("first_name", locale="id_ID")
    role = Role.AGENT

    @factory.post_generation
    def password(obj: Agent, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or "rahasia-sekali-123")
        if create:
            obj.save(update_fields=["password"])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="id_ID")
