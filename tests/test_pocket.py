"""The pocket card's lines: a phone first, a website only where its address says nothing."""

from __future__ import annotations

import pytest

from app.catalog import Catalog, load_catalog
from app.pocket import OUTING, reach
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "data")


def test_a_service_with_a_phone_is_reached_by_phone(catalog: Catalog) -> None:
    with_phone = [p for p in catalog.providers.values() if p.contact.phone]
    assert with_phone
    for provider in with_phone:
        assert reach(provider) == (provider.contact.phone, None)


def test_a_website_that_names_the_work_never_goes_on_the_card(catalog: Catalog) -> None:
    web_only = [p for p in catalog.providers.values() if p.contact.website and not p.contact.phone]
    telling = [p for p in web_only if OUTING.search(p.contact.website or "")]
    assert telling, "the catalogue has such addresses, so this rule is tested on real data"
    for provider in telling:
        assert reach(provider) == (None, None), provider.id
    for provider in web_only:
        if provider not in telling:
            phone, website = reach(provider)
            assert phone is None and website and not website.startswith("http"), provider.id


@pytest.mark.parametrize(
    "address",
    ["https://www.sekswerkexpertise.nl", "https://www.prostitutiehulp.nl", "https://fier.nl"],
)
def test_words_that_out_her_are_recognised(address: str) -> None:
    assert OUTING.search(address)
