"""Forms: the public 'Have your say' form (plain words), and the staff forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cyplan.plans.models import Plan, PlanNode, Promise
from cyplan.voice.models import AgeBand, Channel, Response, SafeguardingEvent, Theme

PUBLIC_AGES = [
    ("under_11", "Under 11"),
    ("11_15", "11 to 15"),
    ("16_18", "16 to 18"),
    ("19_25", "19 to 25"),
    ("adult", "I am a parent or carer"),
    ("", "I would rather not say"),
]
ABOUT_ME = [
    ("care_experienced", "I am in care, or I have been in care"),
    ("send", "I have special educational needs or a disability (SEND)"),
    ("parent_carer", "I am a parent or carer"),
]
EASY_AGES = [
    ("under_11", "Under 11"),
    ("11_15", "11 to 15"),
    ("16_18", "16 to 18"),
    ("19_25", "19 to 25"),
    ("adult", "I am a grown-up who looks after a child"),
    ("", "I do not want to say"),
]
EASY_ABOUT_ME = [
    ("care_experienced", "I live in care, or I used to"),
    ("send", "I get extra help with learning"),
    ("parent_carer", "I look after a child"),
]

# <input type="date"> reads and writes ISO dates; the en-GB input format (27/03/2025) would
# leave the field empty in the browser, so the date is written as 2025-03-27.
ISO_DATE = forms.DateInput(format="%Y-%m-%d")


class PublicFeedbackForm(forms.Form):
    text = forms.CharField(
        label="What do you want to tell us?",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Tell us what you think",
            "max_length": "Keep it to 5,000 characters or fewer",
        },
    )
    age_band = forms.ChoiceField(
        label="How old are you? (optional)", choices=PUBLIC_AGES, required=False
    )
    about_me = forms.MultipleChoiceField(
        label="Is any of this true for you? (optional)",
        choices=ABOUT_ME,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(
        label="Your first name (optional)", max_length=100, required=False
    )
    contact_email = forms.EmailField(
        label="Your email address (optional)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    follow = forms.BooleanField(label="Email me when you answer", required=False)
    # The honeypot (cyplan.voice.spam.HONEYPOT_FIELD): hidden from people; robots fill it in.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, easy_read: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if easy_read:
            self.fields["text"].label = "Tell us what you think"
            self.fields["age_band"].label = "How old are you?"
            self.fields["age_band"].choices = EASY_AGES
            self.fields["about_me"].label = "Is this you?"
            self.fields["about_me"].choices = EASY_ABOUT_ME
            self.fields["contact_name"].label = "Your first name"
            self.fields["contact_email"].label = "Your email"
            self.fields["follow"].label = "Yes, email me when you answer"

    def clean(self):
        data = super().clean()
        if data.get("follow") and not data.get("contact_email"):
            self.add_error(
                "contact_email", "Give your email address if you want us to tell you what happens"
            )
        return data


def _readable_plans(user):
    """The plans this person may read: a safeguarding lead who is an action lead is offered
    no draft plan's title, priorities or promises."""
    from cyplan.plans.queries import visible_plans

    return visible_plans(user).exclude(status=Plan.Status.ARCHIVED)


def _plan_choices(user=None):
    return [("", "Not about one plan")] + [(p.pk, p.title) for p in _readable_plans(user)]


def _grouped_nodes(kinds=None, plan=None, user=None):
    nodes = PlanNode.objects.select_related("plan").order_by("plan__title", "position")
    if plan is not None:
        nodes = nodes.filter(plan=plan)
    else:
        nodes = nodes.filter(plan__in=_readable_plans(user))
    if kinds:
        nodes = nodes.filter(kind__in=kinds)
    groups: dict[str, list] = {}
    for node in nodes:
        label = f"{node.get_kind_display()} {node.number}: {node.title[:90]}"
        groups.setdefault(node.plan.title, []).append((node.pk, label))
    return list(groups.items())


class ItemForm(forms.Form):
    original_text = forms.CharField(
        label="What was said, in their words",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what was said"},
    )
    published_text = forms.CharField(
        label="Words to publish (optional until you approve)",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    said_on = forms.DateField(
        label="When it was said",
        widget=ISO_DATE,
        error_messages={
            "required": "Enter the date it was said",
            "invalid": "Enter a real date, for example 2025-03-27",
        },
    )
    channel = forms.ChoiceField(
        label="How it was said",
        choices=Channel.choices,
        error_messages={"required": "Choose how it was said"},
    )
    channel_detail = forms.CharField(
        label="Which forum, survey or event (optional)", max_length=200, required=False
    )
    age_band = forms.ChoiceField(label="Age band", choices=AgeBand.choices, required=False)
    care_experienced = forms.BooleanField(label="Care experienced", required=False)
    send = forms.BooleanField(label="SEND", required=False)
    parent_carer = forms.BooleanField(label="Parent or carer", required=False)
    plan = forms.TypedChoiceField(label="Plan", required=False, coerce=int, empty_value=None)
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nodes = forms.TypedMultipleChoiceField(
        label="Priorities, commitments or actions it concerns", required=False, coerce=int
    )
    promises = forms.ModelMultipleChoiceField(
        label="Promises it concerns",
        queryset=Promise.objects.select_related("plan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(user)
        self.fields["nodes"].choices = _grouped_nodes(user=user)
        self.fields["promises"].queryset = Promise.objects.filter(
            plan__in=_readable_plans(user)
        ).select_related("plan")
        self.fields["said_on"].initial = timezone.localdate()

    def details_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["plan"] = Plan.objects.filter(pk=data.get("plan")).first()
        data["nodes"] = list(PlanNode.objects.filter(pk__in=data.get("nodes") or []))
        data["themes"] = list(data.get("themes") or [])
        data["promises"] = list(data.get("promises") or [])
        return data


class ResponseForm(forms.Form):
    text = forms.CharField(
        label="What changed, or what will happen",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Say what changed, or what will happen"},
    )
    by_whom = forms.CharField(
        label="Who did it (team, service or organisation)",
        max_length=300,
        error_messages={"required": "Say which team, service or organisation did it"},
    )
    responded_on = forms.DateField(
        widget=ISO_DATE,
        label="When",
        error_messages={
            "required": "Enter the date",
            "invalid": "Enter a real date, for example 2025-03-27",
        },
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Response.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )
    reason = forms.CharField(
        label="Why it is not possible (needed when it is not possible)",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    actions = forms.TypedMultipleChoiceField(
        label="The actions that delivered it", required=False, coerce=int
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].initial = timezone.localdate()
        self.fields["actions"].choices = _grouped_nodes(plan=plan) if plan else []

    def details_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["actions"] = list(PlanNode.objects.filter(pk__in=data.get("actions") or []))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why", widget=forms.Textarea, max_length=2000, error_messages={"required": "Say why"}
    )


class SafeguardingActionForm(forms.Form):
    """What a safeguarding lead did about a matter, and why."""

    action_taken = forms.ChoiceField(
        label="What was done",
        choices=[(a.value, a.label) for a in SafeguardingEvent.OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done"},
    )
    note = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Give the reason (what was done, and why)"},
    )
