"""Every page renders: the start page in both languages, and the admin for each model."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sapa.accounts.models import Role
from tests.builders import inbound
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_indonesian_by_default_and_english_on_request(client):
    """The start page sends visitors to sign in, in their browser's language."""
    assert client.get("/").url == "/inbox/"
    assert client.get("/inbox/").url.startswith("/login/")
    indonesian = client.get("/login/")
    english = client.get("/login/", headers={"accept-language": "en"})
    assert indonesian.status_code == english.status_code == 200
    assert '<html lang="id">' in indonesian.text
    assert "Masuk" in indonesian.text
    assert '<html lang="en">' in english.text
    assert "Sign in to answer your customers." in english.text


def test_every_admin_changelist_and_change_page_renders(client):
    # given some data in every table an admin page shows
    result = inbound("halo min", email="a@example.com")
    admin_agent = AgentFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_agent)
    # when / then
    assert client.get(reverse("admin:index")).status_code == 200
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        first = model.objects.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change
    assert result.ticket_id


def test_api_docs_page_uses_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn." not in response.text
    assert "unpkg" not in response.text
