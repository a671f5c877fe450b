"""The words of the questionnaire and of the result: every msgid is marked, translated on use."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_, Contextual, Nn_, Np_

# --- The questionnaire -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One question: its contract id, the words shown, and the answers it offers."""

    id: str
    kind: str  # "one", "many" or "place"
    label: str
    why: str
    options: tuple[tuple[str, str | Contextual], ...] = ()
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One page of the questionnaire."""

    number: int
    title: str
    questions: tuple[Question, ...]


NEED_LABELS = {
    "housing": N_("A place to live that you can afford"),
    "income": N_("Money to live on, or benefits"),
    "work": N_("Other work with a fair income"),
    "education": N_("A course or training"),
    "debts": N_("Debts"),
    "physical_health": N_("Your body and sexual health"),
    "mental_health": N_("How you feel: stress, worries, bad memories"),
    "addiction": N_("Alcohol, drugs or gambling"),
    "safety": N_("Feeling safe"),
    "legal": N_("Papers, residence, police or legal questions"),
    "social_network": N_("Friends and people around you"),
    "daily_life": N_("A new daily routine and getting used to a new life"),
}

# Short names for needs, used inside sentences ("Helps with: housing, debts").
NEED_SHORT = {
    "housing": N_("housing"),
    "income": N_("income"),
    "work": N_("work"),
    "education": N_("training"),
    "debts": N_("debts"),
    "physical_health": N_("physical and sexual health"),
    "mental_health": N_("how you feel"),
    "addiction": N_("alcohol, drugs or gambling"),
    "safety": N_("safety"),
    "legal": N_("papers and legal questions"),
    "social_network": N_("people around you"),
    "daily_life": N_("daily life"),
}

SPOKEN_LANGUAGE_LABELS = {
    "nl": N_("Dutch"),
    "en": N_("English"),
    "th": N_("Thai"),
    "ro": N_("Romanian"),
    "bg": N_("Bulgarian"),
    "hu": N_("Hungarian"),
    "es": N_("Spanish"),
    "pl": N_("Polish"),
    "pt": N_("Portuguese"),
    "other": N_("Another language"),
}

SIGNAL_LABELS = {
    "earnings_taken": N_("Someone else takes all or part of the money you earn."),
    "not_free": N_("Someone else decides when, where, with whom or how much you work."),
    "documents_held": N_("Someone keeps your passport, ID card or bank card."),
    "debt_bondage": N_("You owe money to the person who arranged your travel, work or housing."),
    "threatened": N_("Someone threatens or hurts you or your family."),
    "cannot_stop": N_("Someone does not let you stop."),
}

STEPS: tuple[Step, ...] = (
    Step(
        1,
        N_("About you"),
        (
            Question(
                "municipality",
                "place",
                N_("Where do you live or work?"),
                N_("We use this to show help in your region. You can also choose a town nearby."),
            ),
            Question(
                "age_group",
                "one",
                N_("How old are you?"),
                N_("Young people have a right to extra protection and special help."),
                (("under_18", N_("Under 18")), ("18_plus", N_("18 or older"))),
            ),
            Question(
                "gender",
                "one",
                N_("What is your gender?"),
                N_("Some organisations have special help for men and for trans people."),
                (
                    ("woman", N_("Woman")),
                    ("man", N_("Man")),
                    ("trans_nonbinary", N_("Trans or non-binary")),
                ),
            ),
            Question(
                "languages",
                "many",
                N_("In which languages can you talk with a helper?"),
                N_("We show first the help that speaks your language."),
                tuple(SPOKEN_LANGUAGE_LABELS.items()),
                N_("Tick all that apply."),
            ),
        ),
    ),
    Step(
        2,
        N_("Your work and your plans"),
        (
            Question(
                "work_setting",
                "many",
                N_("Where do you work, or where did you work?"),
                N_("Some help is made for a certain kind of work."),
                (
                    ("window", N_("Behind a window")),
                    ("club_private_house", N_("In a club or private house")),
                    ("escort", N_("As an escort")),
                    ("home_independent", N_("From home, on my own")),
                    ("online", N_("Online")),
                    ("street", N_("On the street")),
                    ("unlicensed", N_("Without a licence")),
                    ("other", N_("Somewhere else")),
                ),
                N_("Tick all that apply."),
            ),
            Question(
                "stage",
                "one",
                N_("How far are you with stopping?"),
                N_("The right help depends on whether you are still thinking or have stopped."),
                (
                    ("thinking", N_("I am thinking about stopping")),
                    ("want_to_stop", N_("I want to stop")),
                    ("stopped", N_("I have stopped")),
                    ("must_stop", N_("I must stop, for example because my workplace closed")),
                ),
            ),
        ),
    ),
    Step(
        3,
        N_("Your situation"),
        (
            Question(
                "needs",
                "many",
                N_("What would you like help with?"),
                N_("We look for help with exactly these things."),
                tuple(NEED_LABELS.items()),
                N_("Tick all that apply."),
            ),
            Question(
                "housing_situation",
                "one",
                N_("Where do you live now?"),
                N_("A safe place to live often comes first."),
                (
                    ("own_home", N_("In my own home, or a home I rent")),
                    ("lives_at_work", N_("Where I work")),
                    ("no_stable_home", N_("I have no fixed place to live")),
                    ("other", N_("Something else")),
                ),
            ),
            Question(
                "debts_level",
                "one",
                N_("Do you have debts?"),
                N_("There is free help with debts, and it works better if you start early."),
                (
                    ("none", N_("No debts")),
                    ("manageable", N_("Yes, but I can pay them")),
                    ("problematic", N_("Yes, and they are a problem")),
                    ("dont_know", N_("I don't know")),
                ),
            ),
            Question(
                "other_income",
                "one",
                N_("Do you have other income, apart from sex work?"),
                N_("Without income, money to live on is the first thing to arrange."),
                (
                    ("yes", N_("Yes, enough to live on")),
                    ("some", N_("Some, but not enough")),
                    ("none", N_("No other income")),
                ),
            ),
            Question(
                "residence",
                "one",
                N_("Which papers do you have for living in the Netherlands?"),
                N_(
                    "Your rights and the help you can get depend on it. Help is there for everyone."
                ),
                (
                    ("nl_eu", N_("Dutch or EU passport")),
                    ("permit", N_("A residence permit")),
                    ("no_permit", N_("No residence permit")),
                ),
            ),
        ),
    ),
    Step(
        4,
        N_("Your safety"),
        (
            Question(
                "signals",
                "many",
                N_("Does any of this happen to you?"),
                N_("These things are not allowed. If they happen, you have the right to help."),
                tuple(SIGNAL_LABELS.items()),
                N_("Tick all that apply. Your answers are not stored."),
            ),
            Question(
                "danger_now",
                "one",
                N_("Are you in danger right now?"),
                N_("If you are, we show first who you can call straight away."),
                # A bare "Yes"/"No" reads badly in some languages (Thai answers with the state:
                # "yes, I am not safe now"); the context lets each say it its own way.
                (("yes", Np_("danger_now", "Yes")), ("no", Np_("danger_now", "No"))),
            ),
        ),
    ),
)

QUESTIONS = {q.id: q for step in STEPS for q in step.questions}
STEP_OF = {q.id: step.number for step in STEPS for q in step.questions}

# --- The result ------------------------------------------------------------------------------

PROFILE_TITLES = {
    "autonomous": N_("You have practical questions"),
    "complex": N_("Several things are going on at once"),
    "exploitation": N_("Your safety comes first"),
}
PROFILE_TEXTS = {
    "autonomous": N_(
        "You can arrange a lot yourself. Good advice on a few practical questions can help. "
        "The options below fit your answers."
    ),
    "complex": N_(
        "You are dealing with several things at the same time. It helps to have one person "
        "who helps you with all of them. An exit programme can do that, for free."
    ),
    "exploitation": N_(
        "What you describe is not allowed. You have the right to help and protection, "
        "also without papers. The help is free and confidential."
    ),
}

REASON_TEXTS = {
    "danger_now": N_("You said you are in danger right now."),
    "under_18": N_(
        "You said you are under 18. Paying someone under 18 for sex is a crime in the "
        "Netherlands, and you have the right to protection."
    ),
    "signal_earnings_taken": N_("You said someone else takes money you earn."),
    "signal_not_free": N_("You said someone else decides about your work."),
    "signal_documents_held": N_("You said someone keeps your passport, ID card or bank card."),
    "signal_debt_bondage": N_(
        "You said you owe money to the person who arranged your travel, work or housing."
    ),
    "signal_threatened": N_("You said someone threatens or hurts you or your family."),
    "signal_cannot_stop": N_("You said someone does not let you stop."),
    "debts_problematic": N_("You said your debts are a problem."),
    "no_stable_home": N_("You said you have no fixed place to live."),
    "lives_at_work": N_("You said you live where you work."),
    "need_mental_health": N_("You asked for help with how you feel."),
    "need_addiction": N_("You asked for help with alcohol, drugs or gambling."),
    "no_permit": N_("You said you have no residence permit."),
    "no_income_after_stopping": N_(
        "You said you have stopped or must stop, and have no other income."
    ),
    "practical_questions": N_(
        "Nothing in your answers points to an urgent or complicated situation."
    ),
}
# ngettext pair for the rule "three or more needs"; `count` is always 3 or more.
MANY_NEEDS_TEXT = Nn_(
    "You asked for help with %(num)s thing.",
    "You asked for help with %(num)s things.",
)

GROUP_TEXTS = {
    "men": N_("They have experience helping men."),
    "trans": N_("They have experience helping trans people."),
    "thai": N_("They have experience helping Thai people."),
    "escort": N_("They know escort work."),
    "unlicensed": N_("They also help people who work without a licence."),
    "minors": N_("They help young people under 18."),
    "no_permit": N_("They also help people without a residence permit."),
}
# When no service on her page says it works with one of her groups: say so, per group.
NO_GROUP_TEXTS = {
    "men": N_("None of these services says it has experience helping men."),
    "trans": N_("None of these services says it has experience helping trans people."),
    "thai": N_("None of these services says it has experience helping Thai people."),
    "escort": N_("None of these services says it knows escort work."),
    "unlicensed": N_("None of these services says it helps people who work without a licence."),
    "minors": N_("None of these services says it helps young people under 18."),
    "no_permit": N_("None of these services says it helps people without a residence permit."),
}
GROUP_ASK_TEXT = N_("You can still contact them and ask if they can help you.")

OPTION_REASON_TEXTS = {
    "emergency": N_("Call or chat when you need help straight away."),
    "exploitation_help": N_(
        "They help people who are forced or pressured, and they know your rights."
    ),
    "regional_hub": N_(
        "This is the exit programme in your region. They can help you with everything at once, "
        "and find the other help with you."
    ),
    "regional_partner": N_(
        "This organisation also helps people in your region who want to stop. It works together "
        "with the exit programme."
    ),
    "national_line": N_("A national service that fits your answers."),
    "national_for_all": N_(
        "We found nothing that fits your answers exactly. This national service is there for "
        "everyone."
    ),
    "national": N_("Available everywhere in the Netherlands."),
}
# Sentences with parameters.
IN_REGION_TEXT = N_("In your region: %(region)s.")
SERVES_NEED_TEXT = N_("Helps with: %(needs)s.")
LANGUAGE_TEXT = N_("They speak %(language)s.")
# When no service on her page speaks a language she gave: say so, and how to get an interpreter.
NO_LANGUAGE_TEXT = N_("None of these services says it speaks %(languages)s.")
INTERPRETER_KNOWN_TEXT = N_(
    "Ask for an interpreter (tolk) when you make contact. These services say they can arrange "
    "one: %(names)s."
)
INTERPRETER_UNKNOWN_TEXT = N_(
    "Ask for an interpreter (tolk) when you make contact. We do not know yet which of these "
    "services can arrange one."
)
GAP_TEXT = N_(
    "We found nothing in your region for: %(need)s. The national options can help, "
    "and the exit programme can look for help with you."
)
# The same, on a page without an exit programme (for a man, where it is only for women).
GAP_NO_HUB_TEXT = N_(
    "We found nothing in your region for: %(need)s. The national options can help."
)

NO_HELP_TEXT = N_(
    "We did not find help for: %(need)s. An exit programme or your municipality can look "
    "for help with you."
)

SECTION_TITLES = {
    "urgent": N_("Help right now"),
    "start_here": N_("Start here"),
    "need": N_("Help with what you need"),
    "national": N_("Other national help"),
}

KIND_LABELS = {
    "exit_programme": N_("Exit programme"),
    "pmw": N_("Social work for sex workers"),
    "national_line": N_("National service"),
    "specialised": N_("Specialised help"),
    "regular": N_("Local service"),
}

ERROR_TITLES = {
    400: N_("We could not read this request"),
    403: N_("This action is not allowed from here"),
    404: N_("Page not found"),
    405: N_("This page cannot be used like this"),
    413: N_("Too much information was sent"),
    415: N_("We could not read this request"),
    422: N_("Some answers could not be used"),
    429: N_("Too many tries"),
    500: N_("Something went wrong on our side"),
    503: N_("This does not work right now"),
}

# Error codes from app.answers, in words.
ERROR_MESSAGES = {
    "unknown_value": N_("Choose one of the answers shown, or skip this question."),
    "repeated": N_("Choose only one answer here."),
    "unknown_place": N_("We do not know this place. Choose a municipality from the list."),
    "unknown_field": N_(
        "The form contained something we did not expect. Please check your answers and try again."
    ),
}

# --- The professionals' page -----------------------------------------------------------------

# Each profile rule in words, for helpers (third person, no labels). Keys are RULES' codes.
RULE_TEXTS = {
    "under_18": N_("The person is under 18."),
    "signal_earnings_taken": N_("Someone else takes money the person earns."),
    "signal_not_free": N_("Someone else decides about the person's work."),
    "signal_documents_held": N_("Someone keeps the person's passport, ID card or bank card."),
    "signal_debt_bondage": N_(
        "The person owes money to whoever arranged their travel, work or housing."
    ),
    "signal_threatened": N_("Someone threatens or hurts the person or their family."),
    "signal_cannot_stop": N_("Someone does not let the person stop."),
    "debts_problematic": N_("Debts are a problem."),
    "no_stable_home": N_("No fixed place to live."),
    "lives_at_work": N_("Lives where they work."),
    "need_mental_health": N_("Asks for help with how they feel."),
    "need_addiction": N_("Asks for help with alcohol, drugs or gambling."),
    "no_permit": N_("No residence permit."),
    "no_income_after_stopping": N_("Has stopped or must stop, and has no other income."),
    "many_needs": N_("Asks for help with %(num)s or more things."),
}
PROFILE_WHEN = {
    "exploitation": N_(
        "At least one rule of this profile applies. Safety and urgent help come first."
    ),
    "complex": N_(
        "None of the exploitation rules applies, and at least one rule of this profile does."
    ),
    "autonomous": N_("No rule applies. Someone who skips every question also gets this profile."),
}
# How one clause of a rule is written; %(answer)s is a question id, %(values)s its values.
CLAUSE_TEXTS = {
    "is": N_("%(answer)s is %(values)s"),
    "in": N_("%(answer)s is one of %(values)s"),
    "contains": N_("%(answer)s includes %(values)s"),
    "count_at_least": N_("%(answer)s has %(values)s or more answers"),
}

# --- Directory and coverage ------------------------------------------------------------------

GROUP_LABELS = {
    "men": N_("Men"),
    "trans": N_("Trans people"),
    "thai": N_("Thai speakers"),
    "escort": N_("Escorts"),
    "unlicensed": N_("People who work without a licence"),
    "minors": N_("Young people under 18"),
    "no_permit": N_("People without a residence permit"),
}

# --- Before you make contact, and open now ---------------------------------------------------

# One row per fact, in this order; a fact no source states reads NOT_KNOWN.
CONTACT_FACT_LABELS = {
    "anonymous": N_("Your name"),
    "asks": N_("What they ask for"),
    "passes_on": N_("What they pass on"),
    "free": N_("Cost"),
    "interpreter": N_("Interpreter"),
    "companion": N_("Bringing someone"),
    "first_contact": N_("The first contact"),
}
NOT_KNOWN = N_("Not known.")
ANONYMOUS_TEXTS = {
    "anonymous": N_("You do not have to give your name."),
    "other_name": N_("You can use another name."),
    "name_needed": N_("They ask for your name."),
}
ASKS_ITEMS = {
    "name": N_("your name"),
    "bsn": N_("your citizen service number (BSN)"),
    "id_document": N_("an ID document"),
    "address": N_("your address"),
}
ASKS_TEXT = N_("They ask for %(items)s.")
PASSES_ON_TEXTS = {
    "only_with_consent": N_("They pass nothing on without your consent."),
    "only_in_danger": N_(
        "They pass something on without your consent only when someone is in danger."
    ),
    "may_pass_on": N_("They may pass information on to others, for example the police."),
    "is_authority": N_("This is a government service. It keeps what you tell it and may use it."),
}
YES_NO_TEXTS = {
    "free": (N_("Free."), N_("You may have to pay.")),
    "interpreter": (N_("They can arrange an interpreter."), N_("They cannot arrange one.")),
    "companion": (N_("You can bring someone you trust."), N_("You go on your own.")),
}
FIRST_CONTACT_ITEMS = {
    "phone": N_("a phone call"),
    "call_back": N_("they call you back"),
    "appointment": N_("an appointment"),
    "walk_in": N_("walking in without an appointment"),
    "chat": N_("a chat"),
    "email": N_("an e-mail"),
    "online_form": N_("a form on their website"),
}
FIRST_CONTACT_TEXT = N_("Usually: %(ways)s.")

OPEN_ALWAYS = N_("Open day and night.")
OPEN_UNTIL = N_("Open now, until %(time)s.")
OPEN_UNTIL_MIDNIGHT = N_("Open now, until midnight.")
CLOSED_OPENS_TODAY = N_("Closed now. Opens today at %(time)s.")
CLOSED_OPENS_TOMORROW = N_("Closed now. Opens tomorrow at %(time)s.")
CLOSED_OPENS_ON = N_("Closed now. Opens on %(day)s at %(time)s.")
CLOSED_NOW = N_("Closed now.")
HOLIDAY_MAY_DIFFER = N_("Today is a public holiday: the hours may be different.")

# --- Her own plan ----------------------------------------------------------------------------

# Her first need this week, the next two this month, the rest later.
PLAN_WHEN_TITLES = {
    "week": N_("This week"),
    "month": N_("This month"),
    "later": N_("Later"),
}
# What to ask the service for each need, in her words.
PLAN_ASK = {
    "housing": N_("Ask: can you help me find a safe place to live that I can afford?"),
    "income": N_("Ask: which benefits or allowances can I get, and how do I apply?"),
    "work": N_("Ask: can you help me find other work?"),
    "education": N_("Ask: which course or training fits me, and who pays for it?"),
    "debts": N_("Ask: can you help me get an overview of my debts and make a plan?"),
    "physical_health": N_("Ask: can I get a check-up or a test, and what does it cost?"),
    "mental_health": N_("Ask: who can I talk to about how I feel?"),
    "addiction": N_("Ask: what help is there for alcohol, drugs or gambling?"),
    "safety": N_("Ask: how can I be safe, and who can I call if something happens?"),
    "legal": N_("Ask: what are my rights, and what can I do about my papers?"),
    "social_network": N_("Ask: where can I meet people who understand my situation?"),
    "daily_life": N_("Ask: can someone help me with my daily routine and practical things?"),
}
PLAN_BRING = {
    "id_document": N_("Bring an ID document, if you have one."),
    "bsn": N_("Have your citizen service number (BSN) at hand."),
    "address": N_("They will ask for your address."),
    "name": N_("They will ask your name."),
}
PLAN_FIRST_CONTACT = {
    "walk_in": N_("You can walk in without an appointment."),
    "appointment": N_("Make an appointment first."),
    "call_back": N_("They call you back."),
}
PLAN_INTERPRETER = N_("Ask for an interpreter if you need one.")
PLAN_NO_SERVICE = N_(
    "We found no service for this. The exit programme or your municipality can look with you."
)

# --- The pocket card -------------------------------------------------------------------------

# The card may be seen by anyone: short, plain labels, none of which names the work.
CARD_START = N_("Where to start")
CARD_EMERGENCY = N_("Emergency")
CARD_NEED = {
    "housing": N_("Housing"),
    "income": N_("Income"),
    "work": N_("Work"),
    "education": N_("Training"),
    "debts": N_("Debts"),
    "physical_health": N_("Health"),
    "mental_health": N_("How you feel"),
    "addiction": N_("Alcohol, drugs or gambling"),
    "safety": N_("Safety"),
    "legal": N_("Papers and legal questions"),
    "social_network": N_("People around you"),
    "daily_life": N_("Daily life"),
}
