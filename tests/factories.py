"""Named answer sets, declared once: the route, overview, browser and benchmark code share them."""

from __future__ import annotations

# field -> chosen values, as the questionnaire posts them.
ANSWER_SETS: dict[str, dict[str, list[str]]] = {
    # One per profile (product.md section 3), each with a place so regional help shows.
    "autonomous": {
        "municipality": ["GM0344"],  # Utrecht
        "age_group": ["18_plus"],
        "gender": ["woman"],
        "languages": ["nl", "en"],
        "work_setting": ["window"],
        "stage": ["thinking"],
        "needs": ["work", "education"],
        "housing_situation": ["own_home"],
        "debts_level": ["none"],
        "other_income": ["yes"],
        "residence": ["nl_eu"],
        "danger_now": ["no"],
    },
    "complex": {
        "municipality": ["GM0518"],  # Den Haag
        "age_group": ["18_plus"],
        "gender": ["man"],
        "languages": ["en"],
        "work_setting": ["escort", "online"],
        "stage": ["must_stop"],
        "needs": ["housing", "debts", "mental_health"],
        "housing_situation": ["no_stable_home"],
        "debts_level": ["problematic"],
        "other_income": ["none"],
        "residence": ["permit"],
        "danger_now": ["no"],
    },
    "exploitation": {
        "municipality": ["GM0200"],  # Apeldoorn
        "age_group": ["18_plus"],
        "gender": ["woman"],
        "languages": ["th"],
        "work_setting": ["club_private_house", "unlicensed"],
        "stage": ["want_to_stop"],
        "needs": ["safety", "legal"],
        "housing_situation": ["lives_at_work"],
        "other_income": ["none"],
        "residence": ["no_permit"],
        "signals": ["earnings_taken", "documents_held"],
        "danger_now": ["yes"],
    },
    # The benchmark's three: Amsterdam complex, Den Haag with signals, Apeldoorn autonomous.
    "amsterdam_complex": {
        "municipality": ["GM0363"],
        "age_group": ["18_plus"],
        "gender": ["woman"],
        "languages": ["nl", "en"],
        "work_setting": ["window"],
        "stage": ["want_to_stop"],
        "needs": ["housing", "income", "debts", "mental_health"],
        "housing_situation": ["lives_at_work"],
        "debts_level": ["problematic"],
        "other_income": ["none"],
        "residence": ["nl_eu"],
        "danger_now": ["no"],
    },
    "den_haag_signals": {
        "municipality": ["GM0518"],
        "age_group": ["18_plus"],
        "gender": ["trans_nonbinary"],
        "languages": ["th", "en"],
        "work_setting": ["escort", "unlicensed"],
        "stage": ["must_stop"],
        "needs": ["safety", "legal", "housing"],
        "housing_situation": ["no_stable_home"],
        "debts_level": ["dont_know"],
        "other_income": ["none"],
        "residence": ["no_permit"],
        "signals": ["documents_held", "earnings_taken"],
        "danger_now": ["no"],
    },
    "apeldoorn_autonomous": {
        "municipality": ["GM0200"],
        "age_group": ["18_plus"],
        "gender": ["man"],
        "languages": ["nl"],
        "work_setting": ["online"],
        "stage": ["thinking"],
        "needs": ["work", "education"],
        "housing_situation": ["own_home"],
        "debts_level": ["none"],
        "other_income": ["some"],
        "residence": ["nl_eu"],
        "danger_now": ["no"],
    },
    # Short ones.
    "utrecht_housing_debts": {"municipality": ["GM0344"], "needs": ["housing", "debts"]},
    "den_bosch_thai_signals": {
        "municipality": ["Den Bosch"],
        "signals": ["documents_held"],
        "languages": ["th"],
    },
    "danger_now": {"danger_now": ["yes"], "needs": ["mental_health"]},
    "income_only": {"needs": ["income"]},
}
BENCH_SETS = ("amsterdam_complex", "den_haag_signals", "apeldoorn_autonomous")


def pairs(name: str) -> list[tuple[str, str]]:
    """The answer set `name` as (field, value) pairs, in the order a form posts them."""
    return [(field, value) for field, values in ANSWER_SETS[name].items() for value in values]
