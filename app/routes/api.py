"""The JSON API of product.md section 9: same rules and texts as the pages, nothing stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from app import directory, open_data, overview, texts
from app.answers import check_answers
from app.deps import CatalogDep, services
from app.i18n import LANGUAGES, current_language, gettext, label
from app.matching import types as contract

router = APIRouter(prefix="/api/v1", tags=["api"])

ApiLang = Literal[LANGUAGES]  # type: ignore[valid-type]
LangQuery = Annotated[ApiLang, Query(description="Language of the texts in the answer.")]

AgeGroup = Literal[contract.AGE_GROUPS]  # type: ignore[valid-type]
Gender = Literal[contract.GENDERS]  # type: ignore[valid-type]
Spoken = Literal[contract.LANGUAGES]  # type: ignore[valid-type]
WorkSetting = Literal[contract.WORK_SETTINGS]  # type: ignore[valid-type]
Stage = Literal[contract.STAGES]  # type: ignore[valid-type]
Need = Literal[contract.NEEDS]  # type: ignore[valid-type]
Housing = Literal[contract.HOUSING_SITUATIONS]  # type: ignore[valid-type]
Debts = Literal[contract.DEBTS_LEVELS]  # type: ignore[valid-type]
Income = Literal[contract.OTHER_INCOMES]  # type: ignore[valid-type]
Residence = Literal[contract.RESIDENCES]  # type: ignore[valid-type]
Signal = Literal[contract.SIGNALS]  # type: ignore[valid-type]
YesNo = Literal[contract.DANGER_NOW]  # type: ignore[valid-type]


class AnswersIn(BaseModel):
    """The questionnaire's answers; every field optional, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)

    municipality: str | None = Field(
        default=None, max_length=80, description="CBS code, name or alias, e.g. GM0363 or Den Bosch"
    )
    age_group: AgeGroup | None = None
    gender: Gender | None = None
    languages: list[Spoken] = Field(default=[], max_length=len(contract.LANGUAGES))
    work_setting: list[WorkSetting] = Field(default=[], max_length=len(contract.WORK_SETTINGS))
    stage: Stage | None = None
    needs: list[Need] = Field(default=[], max_length=len(contract.NEEDS))
    housing_situation: Housing | None = None
    debts_level: Debts | None = None
    other_income: Income | None = None
    residence: Residence | None = None
    signals: list[Signal] = Field(default=[], max_length=len(contract.SIGNALS))
    danger_now: YesNo | None = None


class MatchRequest(BaseModel):
    """The body of POST /api/v1/match."""

    model_config = ConfigDict(extra="forbid")

    answers: AnswersIn


class ReasonOut(BaseModel):
    """A reason for the profile."""

    code: str
    text: str


class RegionOut(BaseModel):
    """A region by id and name in the asked language."""

    id: str
    name: str


class OptionOut(BaseModel):
    """One suggested provider."""

    id: str
    name: str
    kind: str
    covers: list[str]
    why: str
    contact: dict[str, str]


class MatchResponse(BaseModel):
    """The profile, its reasons, the region and the options, as on the result page."""

    profile: Literal["autonomous", "complex", "exploitation"]
    urgent: bool
    reasons: list[ReasonOut]
    region: RegionOut | None
    needs: list[str]
    options: list[OptionOut]
    gaps: list[str]


@router.post("/match", response_model=MatchResponse)
async def match(
    request: Request, body: MatchRequest, catalog: CatalogDep, lang: LangQuery = "nl"
) -> MatchResponse:
    """Match one set of answers; nothing is stored. Errors are 422 with the field named."""
    current_language.set(lang)
    dumped = body.answers.model_dump(exclude_none=True)
    pairs = [
        (k, v)
        for k, value in dumped.items()
        for v in (value if isinstance(value, list) else [value])
    ]
    checked = check_answers(pairs, resolve_place=catalog.resolve_municipality)
    if not checked.ok:
        raise RequestValidationError(
            [
                {"loc": ("body", "answers", field), "msg": code, "type": "value_error"}
                for field, code in checked.errors.items()
            ]
        )
    view = overview.build(catalog=catalog, checked=checked, now=services(request).clock())
    return MatchResponse(
        profile=view.result.profile,  # type: ignore[arg-type]
        urgent=view.result.urgent,
        reasons=[ReasonOut(code=r.code, text=r.text) for r in view.reasons],
        region=RegionOut(id=view.region.id, name=view.region.name) if view.region else None,
        needs=list(view.result.needs),
        options=[
            OptionOut(
                id=o.provider.id,
                name=o.provider.name,
                kind=o.provider.kind,
                covers=list(o.covers),
                why=" ".join(o.why),
                contact=o.provider.contact.in_language(lang),
            )
            for o in view.options()
        ],
        gaps=list(view.result.gaps),
    )


@router.get("/questionnaire")
async def questionnaire(lang: LangQuery = "nl") -> dict[str, Any]:
    """The questions, their answers and why each is asked, in one language."""
    current_language.set(lang)
    return {
        "lang": lang,
        "steps": [
            {
                "number": step.number,
                "title": gettext(step.title),
                "questions": [
                    {
                        "id": q.id,
                        "kind": q.kind,
                        "label": gettext(q.label),
                        "why": gettext(q.why),
                        "options": [{"value": v, "label": label(t)} for v, t in q.options],
                    }
                    for q in step.questions
                ],
            }
            for step in texts.STEPS
        ],
    }


@router.get("/regions")
async def regions(catalog: CatalogDep) -> list[dict[str, Any]]:
    """The regions with their municipalities (CBS code, name, aliases)."""
    return [
        {
            "id": r.id,
            "name": r.name.model_dump(),
            "centrumgemeente": r.centrumgemeente,
            "verified": r.verified,
            "municipalities": [
                {"code": m.code, "name": m.name, "province": m.province, "aliases": m.aliases}
                for m in r.municipalities
            ],
        }
        for r in catalog.regions.values()
    ]


@router.get("/providers")
async def providers(
    catalog: CatalogDep,
    region: Annotated[str | None, Query(max_length=60)] = None,
    need: Need | None = None,
    lang: ApiLang | None = None,
) -> list[dict[str, Any]]:
    """Providers serving a region (its own and the national ones), optionally for one need."""
    if region is not None and region not in catalog.regions:
        raise RequestValidationError(
            [{"loc": ("query", "region"), "msg": "unknown region", "type": "value_error"}]
        )
    out = []
    for p in catalog.providers.values():
        if region is not None and not ("national" in p.regions or region in p.regions):
            continue
        if need is not None and need not in p.needs:
            continue
        record = p.model_dump(mode="json")
        if lang is not None:
            record["description"] = p.description.get(lang)
        out.append(record)
    return out


@router.get("/hsds")
async def hsds(catalog: CatalogDep, lang: LangQuery = "nl") -> dict[str, Any]:
    """The whole catalogue as Open Referral HSDS 3.0 tables (organization, service, ...)."""
    return open_data.export_hsds(catalog, lang)


@router.get("/coverage")
async def coverage(catalog: CatalogDep) -> dict[str, Any]:
    """Per region (and national), how many options serve each need and group; 0 is a gap."""
    return {
        "regions": [
            {"region": row.area, "needs": row.needs, "groups": row.groups}
            for row in directory.coverage(catalog)
        ]
    }


class CSVResponse(PlainTextResponse):
    """A CSV download; declared so that the OpenAPI schema names the real content type."""

    media_type = "text/csv"


@router.get("/coverage.csv", response_class=CSVResponse)
async def coverage_csv(catalog: CatalogDep) -> CSVResponse:
    """The same matrix as CSV, for spreadsheets."""
    return CSVResponse(
        directory.coverage_csv(directory.coverage(catalog)),
        headers={"Content-Disposition": 'attachment; filename="verder-coverage.csv"'},
    )
