import pytest
from django.db import transaction

from tests.accessibility.pages import browser_world, crawl_plan


@pytest.fixture(scope="module")
def content_world(django_db_setup, django_db_blocker):
    """The course content and the personas' world, built once per module inside a
    transaction rolled back at its end; with the crawl plan over it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = browser_world()
            yield world, crawl_plan(world)
            transaction.set_rollback(True)
