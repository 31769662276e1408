"""Voice pages: 'Have your say', 'You said, we did', and the staff moderation pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cyplan.core.demo_mode import real_only
from cyplan.core.tables import query_without, query_without_format, wants_csv
from cyplan.voice import conf, pages, publication, services, spam, triage, unfollow
from cyplan.voice.forms import (
    ItemForm,
    PublicFeedbackForm,
    ReasonForm,
    ResponseForm,
    SafeguardingActionForm,
)
from cyplan.voice.harm_words import harm_signals
from cyplan.voice.models import Feedback, Response
from cyplan.voice.permissions import (
    can_moderate,
    can_open_staff_pages,
    can_see_item,
    is_safeguarding_lead,
    leads_only,
)

ITEMS_PER_PAGE = 20


def _errors(form, error: ValidationError | None = None):
    found = [
        (f"id_{name}" if name != "__all__" else "main-content", message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    if error is not None:
        for name, messages_ in error.message_dict.items():
            target = f"id_{name}" if name in form.fields else "main-content"
            found += [(target, m) for m in messages_]
    return found


def _help():
    return {"emergency": conf.emergency_number(), "helplines": conf.helplines()}


# Public pages -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def have_your_say(request, easy_read: bool = False):
    template = "voice/have_your_say_easy.html" if easy_read else "voice/have_your_say.html"
    address = spam.client_address(request)
    form = PublicFeedbackForm(easy_read=easy_read)
    errors = []
    if request.method == "POST":
        # Nothing a child writes is refused for the rate: over it, the item is kept and
        # held as possible spam, and a safeguarding lead triages it like any other.
        held = spam.over_limit(address)
        if spam.is_robot(request.POST):
            spam.count_submission(address)
            if not harm_signals(request.POST.get("text", "")):
                return redirect("voice:thanks")  # say thank you; keep nothing
            held = True  # a robot would not write this: keep it, to be safe
        form = PublicFeedbackForm(request.POST, easy_read=easy_read)
        if form.is_valid():
            data = form.cleaned_data
            about = set(data["about_me"])
            try:
                item = services.submit_public_feedback(
                    services.PublicFeedback(
                        text=data["text"],
                        age_band=data["age_band"],
                        care_experienced="care_experienced" in about,
                        send="send" in about,
                        parent_carer="parent_carer" in about or data["age_band"] == "adult",
                        contact_name=data["contact_name"],
                        contact_email=data["contact_email"],
                        follow=data["follow"],
                        easy_read=easy_read,
                    ),
                    held_as_spam=held,
                )
            except ValidationError as error:
                errors = _errors(form, error)
            else:
                spam.count_submission(address)
                # The next page tells a child who may have disclosed harm what happens now;
                # the address stays the same, so a shared device's history says nothing.
                request.session[URGENT_SESSION_KEY] = item.urgent
                return redirect("voice:thanks")
        else:
            errors = _errors(form)
    return render(
        request,
        template,
        {"form": form, "errors": errors, **_help()},
        status=400 if errors else 200,
    )


def have_your_say_easy_read(request):
    return have_your_say(request, easy_read=True)


URGENT_SESSION_KEY = "cyplan-voice-told-us-about-harm"


def thanks(request):
    urgent = request.session.pop(URGENT_SESSION_KEY, False)
    name, number = conf.social_care_number()
    return render(
        request,
        "voice/thanks.html",
        {
            **_help(),
            "urgent": urgent,
            "childline_name": conf.CHILDLINE_NAME,
            "childline_number": conf.CHILDLINE_NUMBER,
            "childline_tel": conf.CHILDLINE_NUMBER.replace(" ", ""),
            "social_care_name": name,
            "social_care_number": number,
            "social_care_tel": "".join(c for c in number if c.isdigit() or c == "+"),
        },
    )


@require_http_methods(["GET", "POST"])
def stop_emails(request, token: str):
    """The link in every email to a follower: stop the emails and delete the contact details."""
    item = unfollow.item_for(token)
    if item is None:
        raise Http404("This link does not work. Check it was copied in full.")
    done = False
    if request.method == "POST":
        unfollow.unfollow(item)
        done = True
    return render(
        request, "voice/stop_emails.html", {"done": done, "following": item.follow or done}
    )


def you_said_we_did(request):
    filters = pages.read_filters(request.GET)
    items = pages.filtered_items(filters)
    if wants_csv(request):
        return pages.public_table(real_only(items)).csv_response()
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/index.html",
        {
            "page": page,
            "filters": filters,
            "chosen": request.GET,
            "choices": pages.filter_choices(),
            "has_examples": any(item.is_example for item in page),
            "page_query": query_without(request, "page", "format"),
            "query": query_without_format(request),
        },
    )


def item_detail(request, pk: int):
    item = publication.public_items().filter(pk=pk).first()
    if item is None:
        raise Http404("No such published item")
    return render(request, "voice/item.html", {"item": item})


# Staff pages ------------------------------------------------------------------------------


def _staff(request):
    if not can_open_staff_pages(request.user):
        raise PermissionDenied("Only plan managers and safeguarding leads moderate feedback")


@login_required
def staff_list(request):
    _staff(request)
    state = request.GET.get("state", Feedback.State.NEW)
    items = Feedback.objects.none()
    if can_moderate(request.user):
        # Never an item waiting for triage: a safeguarding lead reads the child's words first.
        items = (
            Feedback.objects.filter(safeguarding=False)
            .exclude(triage=Feedback.Triage.WAITING)
            .prefetch_related("responses")
        )
        if state in Feedback.State.values:
            items = items.filter(state=state)
    page = Paginator(items.order_by("-created_on", "-id"), 50).get_page(request.GET.get("page"))
    flagged = (
        Feedback.objects.filter(safeguarding=True, closed_at__isnull=True).count()
        + triage.triage_queue().count()
        if is_safeguarding_lead(request.user)
        else None
    )
    return render(
        request,
        "voice/staff_list.html",
        {
            "page": page,
            "state": state,
            "states": Feedback.State.choices,
            "flagged": flagged,
            "can_moderate": can_moderate(request.user),
            "page_query": query_without(request, "page"),
        },
    )


@login_required
def safeguarding_list(request):
    if not is_safeguarding_lead(request.user):
        raise PermissionDenied("Only safeguarding leads can see flagged items")
    now = timezone.now()
    waiting = [(item, triage.describe(triage.age(item, now))) for item in triage.triage_queue()]
    return render(
        request,
        "voice/safeguarding_list.html",
        {
            "waiting": waiting,
            "matters": triage.open_matters(),
            "closed": triage.closed_matters()[:50],
            "report": triage.acknowledgement_report(now=now),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    if not can_moderate(request.user):
        raise PermissionDenied("Only plan managers can record feedback")
    form = ItemForm(request.POST or None, user=request.user)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.record_feedback(
                    request.user, services.ItemDetails(**form.details_kwargs())
                )
            except ValidationError as error:
                errors = _errors(form, error)
            else:
                if item.safeguarding:
                    messages.success(
                        request,
                        "Saved. Its words may be a disclosure of harm, so it has gone to the "
                        "safeguarding leads and is hidden from everyone else.",
                    )
                    return redirect("voice:staff")
                messages.success(request, "Saved. It is not public until you approve it.")
                return redirect("voice:staff-item", pk=item.pk)
        else:
            errors = _errors(form)
    return render(
        request,
        "voice/staff_item.html",
        {"form": form, "errors": errors, "item": None},
        status=400 if errors else 200,
    )


def _posted_version(request) -> int | None:
    """The version of the item the form was opened at (every staff form carries it)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0  # a form without one is stale by definition


def _item_initial(item: Feedback) -> dict:
    return {
        "original_text": item.original_text,
        "published_text": item.published_text,
        "said_on": item.said_on,
        "channel": item.channel,
        "channel_detail": item.channel_detail,
        "age_band": item.age_band,
        "care_experienced": item.care_experienced,
        "send": item.send,
        "parent_carer": item.parent_carer,
        "plan": item.plan_id,
        "themes": list(item.themes.all()),
        "nodes": [n.pk for n in item.nodes.all()],
        "promises": list(item.promises.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_item(request, pk: int):
    item = get_object_or_404(Feedback.objects.select_related("plan"), pk=pk)
    if not can_see_item(request.user, item):
        if leads_only(item) and can_open_staff_pages(request.user):
            raise Http404("No such item")  # do not even say that a flagged item exists
        raise PermissionDenied("Only plan managers can moderate feedback")
    form = ItemForm(initial=_item_initial(item), user=request.user)
    reason_form = ReasonForm()
    action_form = SafeguardingActionForm()
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        version = _posted_version(request)
        try:
            if action == "save":
                form = ItemForm(request.POST, user=request.user)
                if form.is_valid():
                    services.update_feedback(
                        request.user,
                        item,
                        services.ItemDetails(**form.details_kwargs()),
                        version=version,
                    )
                    messages.success(request, "Changes saved.")
                    return redirect("voice:staff-item", pk=item.pk)
                errors = _errors(form)
            elif action == "approve":
                services.approve_feedback(request.user, item, version=version)
                messages.success(request, "Approved: it is now on the public 'you said' page.")
                return redirect("voice:staff-item", pk=item.pk)
            elif action == "reject":
                services.reject_feedback(request.user, item, version=version)
                messages.success(request, "Marked as not for publication.")
                return redirect("voice:staff")
            elif action == "pass":
                services.pass_to_moderation(request.user, item, version=version)
                messages.success(request, "Passed to moderation: plan managers can now read it.")
                return redirect("voice:safeguarding")
            elif action == "keep":
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    services.keep_as_safeguarding(
                        request.user, item, reason_form.cleaned_data["reason"], version=version
                    )
                    messages.success(request, "Kept as a safeguarding matter.")
                    return redirect("voice:staff-item", pk=item.pk)
                errors = _errors(reason_form)
            elif action == "acknowledge":
                services.acknowledge(request.user, item)
                messages.success(request, "Acknowledged: the alert will not be sent again.")
                return redirect("voice:staff-item", pk=item.pk)
            elif action == "record":
                action_form = SafeguardingActionForm(request.POST)
                if action_form.is_valid():
                    services.record_action(
                        request.user,
                        item,
                        action_form.cleaned_data["action_taken"],
                        action_form.cleaned_data["note"],
                    )
                    messages.success(request, "Action recorded.")
                    return redirect("voice:staff-item", pk=item.pk)
                errors = _errors(action_form)
            elif action == "close":
                services.close_matter(request.user, item)
                messages.success(request, "Closed. The item stays hidden and is never published.")
                return redirect("voice:safeguarding")
            elif action in ("flag", "clear"):
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    reason = reason_form.cleaned_data["reason"]
                    if action == "flag":
                        services.flag_for_safeguarding(request.user, item, reason)
                        messages.success(
                            request,
                            "Flagged for safeguarding: the safeguarding contact has been told "
                            "and the item is hidden from everyone else.",
                        )
                        return redirect("voice:staff")
                    services.clear_safeguarding_flag(request.user, item, reason)
                    messages.success(request, "Flag cleared: the item is back in moderation.")
                    return redirect("voice:staff-item", pk=item.pk)
                errors = _errors(reason_form)
        except ValidationError as error:
            errors = _errors(form, error)
            if "version" in error.message_dict:  # stale: show the item as it is now
                item.refresh_from_db()
                form = ItemForm(initial=_item_initial(item))
    lead = is_safeguarding_lead(request.user)
    return render(
        request,
        "voice/staff_item.html",
        {
            "form": form,
            "reason_form": reason_form,
            "action_form": action_form,
            "trail": item.trail.select_related("actor") if lead else [],
            "errors": errors,
            "item": item,
            "is_public": publication.is_public(item),
            "responses": item.responses.prefetch_related("actions"),
            "can_moderate": can_moderate(request.user),
            "is_lead": lead,
            "waiting_for_triage": item.triage == Feedback.Triage.WAITING,
        },
        status=400 if errors else 200,
    )


def _response_initial(response: Response) -> dict:
    return {
        "text": response.text,
        "by_whom": response.by_whom,
        "responded_on": response.responded_on,
        "status": response.status,
        "reason": response.reason,
        "actions": [a.pk for a in response.actions.all()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def response_form(request, pk: int | None = None, item_pk: int | None = None):
    response = None
    if pk is not None:
        response = get_object_or_404(Response.objects.select_related("feedback__plan"), pk=pk)
        item = response.feedback
    else:
        item = get_object_or_404(Feedback.objects.select_related("plan"), pk=item_pk)
    if not can_see_item(request.user, item):
        if leads_only(item) and can_open_staff_pages(request.user):
            raise Http404("No such item")
        raise PermissionDenied("Only plan managers can respond to feedback")
    initial = _response_initial(response) if response else None
    form = ResponseForm(initial=initial, plan=item.plan)
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve" and response is not None:
                services.approve_response(request.user, response, version=_posted_version(request))
                messages.success(request, "Response published.")
                return redirect("voice:staff-item", pk=item.pk)
            form = ResponseForm(request.POST, plan=item.plan)
            if form.is_valid():
                details = services.ResponseDetails(**form.details_kwargs())
                if response is None:
                    response = services.add_response(request.user, item, details)
                else:
                    services.update_response(
                        request.user, response, details, version=_posted_version(request)
                    )
                messages.success(request, "Response saved. It is not public until you publish it.")
                return redirect("voice:response-edit", pk=response.pk)
            errors = _errors(form)
        except ValidationError as error:
            errors = _errors(form, error)
            if "version" in error.message_dict and response is not None:
                response.refresh_from_db()  # stale: show the response as it is now
                form = ResponseForm(initial=_response_initial(response), plan=item.plan)
    return render(
        request,
        "voice/response_form.html",
        {"form": form, "errors": errors, "item": item, "response": response},
        status=400 if errors else 200,
    )
