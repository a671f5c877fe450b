"""The catalogue as open data in the shape of Open Referral HSDS 3.0 (tabular JSON)."""

from __future__ import annotations

import uuid
from typing import Any

from babel import Locale

from app.catalog import Catalog, ProviderRecord
from app.matching.types import LANGUAGES, NATIONAL

# Stable identifiers: the same record gets the same UUID in every export.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://verder.example/hsds")
HSDS_VERSION = "3.0"
# English names of the questionnaire's languages by ISO 639-1 code ("other" has none).
LANGUAGE_NAMES = {
    code: Locale.parse(code).get_display_name("en") for code in LANGUAGES if code != "other"
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def export_hsds(catalog: Catalog, lang: str = "nl") -> dict[str, Any]:
    """Every provider as organization, service, location, phone, service_area and language rows."""
    tables: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "organization",
            "service",
            "location",
            "service_at_location",
            "phone",
            "service_area",
            "language",
            "taxonomy_term",
            "attribute",
        )
    }
    for need in sorted({n for p in catalog.providers.values() for n in p.needs}):
        tables["taxonomy_term"].append(
            {
                "id": _id("need", need),
                "code": need,
                "name": need.replace("_", " "),
                "description": f"Verder need: {need}",
                "taxonomy": "Verder needs (product.md section 2)",
            }
        )
    for p in catalog.providers.values():
        _add_provider(tables, catalog, p, lang)
    return {"hsds_version": HSDS_VERSION, "text_language": lang, **tables}


def _add_provider(
    tables: dict[str, list[dict[str, Any]]], catalog: Catalog, p: ProviderRecord, lang: str
) -> None:
    org_id, service_id = _id("organization", p.id), _id("service", p.id)
    description = p.description.get(lang)
    tables["organization"].append(
        {
            "id": org_id,
            "name": p.name,
            "description": description,
            "website": p.contact.website,
            "email": p.contact.email,
        }
    )
    tables["service"].append(
        {
            "id": service_id,
            "organization_id": org_id,
            "name": p.name,
            "description": description,
            "url": p.contact.website or p.contact.chat,
            "email": p.contact.email,
            "status": "active",
            "fees_description": None if p.free is None else ("free" if p.free else "not free"),
            "eligibility_description": ", ".join(
                (["women only"] if p.women_only else []) + p.groups
            )
            or None,
            "assured_date": p.verified_on.isoformat(),
            "application_process": p.contact.how.get(lang) if p.contact.how else None,
            "alert": None if p.verified else "unverified: " + (p.note or ""),
            # Verder's own fields, for consumers that match as the site does.
            "x_verder_id": p.id,
            "x_verder_kind": p.kind,
            "x_verder_profiles": list(p.profiles),
            "x_verder_anonymous_possible": p.anonymous_possible,
            "x_verder_source": p.source,
        }
    )
    if p.contact.phone:
        tables["phone"].append(
            {"id": _id("phone", p.id), "service_id": service_id, "number": p.contact.phone}
        )
    for kind, url in (("website", p.contact.website), ("chat", p.contact.chat)):
        if url:
            location_id = _id("location", p.id, kind)
            tables["location"].append(
                {"id": location_id, "location_type": "virtual", "url": url, "name": kind}
            )
            tables["service_at_location"].append(
                {"id": _id("sal", p.id, kind), "service_id": service_id, "location_id": location_id}
            )
    if p.contact.address:
        location_id = _id("location", p.id, "address")
        tables["location"].append(
            {
                "id": location_id,
                "location_type": "physical",
                "name": p.name,
                "description": p.contact.address,
            }
        )
        tables["service_at_location"].append(
            {
                "id": _id("sal", p.id, "address"),
                "service_id": service_id,
                "location_id": location_id,
            }
        )
    for region in p.regions:
        name = "Nederland" if region == NATIONAL else catalog.regions[region].name.get(lang)
        tables["service_area"].append(
            {
                "id": _id("area", p.id, region),
                "service_id": service_id,
                "name": name,
                "description": "national" if region == NATIONAL else f"DUUP region {region}",
            }
        )
    for code in p.languages:
        if code in LANGUAGE_NAMES:
            tables["language"].append(
                {
                    "id": _id("language", p.id, code),
                    "service_id": service_id,
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                }
            )
    for need in p.needs:
        tables["attribute"].append(
            {
                "id": _id("attribute", p.id, need),
                "link_id": service_id,
                "link_type": "service_category",
                "link_entity": "service",
                "taxonomy_term_id": _id("need", need),
            }
        )
