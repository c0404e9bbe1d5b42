"""The subscription pages, anonymous (no account): ``/subscriptions`` (the form),
``/subscriptions/confirm?token=`` (GET: a page whose button confirms; a mail scanner's
fetch confirms nothing), ``/subscriptions/unsubscribe?token=`` (GET: a page with a button;
POST: RFC 8058's one-click, no CSRF token or session: the signed token is the proof) and
``/subscriptions/manage?token=`` (change the choice or leave). The form and the manage
page's changes carry the CSRF token."""

import deform
from pyramid.csrf import check_csrf_token
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from statportal import clock
from statportal.content.resources import Portal
from statportal.i18n import _
from statportal.security.permissions import VIEW
from statportal.subscriptions.choices import Choices
from statportal.subscriptions.compose import portal_url
from statportal.subscriptions.limits import get_limits, too_many
from statportal.subscriptions.resources import (
    TokenError,
    confirm,
    get_store,
    subscriber_of,
    unsubscribe,
    update_choice,
)
from statportal.subscriptions.schemas import choice_schema, cleaned, subscription_schema
from statportal.subscriptions.service import (
    ACCEPTED,
    TOKEN_MESSAGES,
    bound,
    request_subscription,
    secret_of,
)
from statportal.subscriptions.tokens import make_token, read_token
from statportal.views.forms import form_schema, set_field_error, validate

PAGE = "statportal.subscriptions:templates/subscribe.pt"
LINK_PAGE = "statportal.subscriptions:templates/token.pt"
#: a used confirmation link whose subscriber is confirmed: nothing to do, all is well
ACTIVE = _("Your subscription is active: the releases you chose come to your address.")
UNSUBSCRIBED = _("You are unsubscribed: nothing more will be sent to this address, and we "
                 "keep nothing of it.")


def _form(request, schema, button, buttons=None, appstruct=None):
    form = deform.Form(form_schema(schema, request),
                       buttons=buttons or (deform.Button("submit",
                                                         request.localizer.translate(button)),),
                       action=request.path_qs, formid="subscription-form")
    return form, (form.render(appstruct) if appstruct is not None else None)


@view_config(context=Portal, name="subscriptions", permission=VIEW, require_csrf=False,
             request_method=("GET", "POST"))
def subscriptions(context, request):
    """One name, four pages (``request.subpath``)."""
    page = {(): subscribe_page, ("confirm",): confirm_page,
            ("unsubscribe",): unsubscribe_page, ("manage",): manage_page}.get(request.subpath)
    if page is None:
        raise HTTPNotFound()
    if request.method == "POST" and page is not unsubscribe_page:
        check_csrf_token(request)      # only the one-click unsubscribe goes without
    return page(context, request)


def _render(request, renderer, values):
    from pyramid.renderers import render_to_response

    translate = request.localizer.translate
    values = {k: translate(v) if k in ("heading", "message", "button", "done") and v else v
              for k, v in values.items()}
    return render_to_response(renderer, values, request=request, response=request.response)


def subscribe_page(context, request):
    choices = Choices(request, context)
    form, html = _form(request, bound(subscription_schema(), request, context, choices),
                       _("Subscribe"))
    values = {"form": html or form.render(), "done": None, "manage": False}
    if request.method == "POST":
        wait = get_limits(request).address(request)
        field = None
        if not wait:
            try:
                appstruct = validate(form, request)
            except deform.ValidationFailure as failure:
                request.response.status = 400
                return _render(request, PAGE, {**values, "form": failure.render()})
            wait, field = request_subscription(request, context, appstruct, choices), "email"
        if wait:
            request.response.status = 429
            request.response.headers["Retry-After"] = str(wait)
            return _render(request, PAGE, {**values, "form": set_field_error(
                form, field, too_many(wait)).render()})
        values["done"] = ACCEPTED
    return _render(request, PAGE, values)


def _subscriber(context, request, purpose):
    """(subscriber, None) of the query's or form's token, or (None, message)."""
    token = request.params.get("token", "")
    try:
        return subscriber_of(context, purpose, token, clock.now(),
                             secret=secret_of(request)), None
    except TokenError as exc:
        if exc.reason == "used" and purpose == "unsubscribe":
            return None, UNSUBSCRIBED      # already ended: a retry (RFC 8058) is answered
        if exc.reason == "used" and purpose == "confirm" and _is_active(context, request, token):
            return None, ACTIVE            # a confirmation link opened twice
        request.response.status = 400
        return None, TOKEN_MESSAGES[exc.reason]


def _is_active(context, request, token):
    """Whether the genuine ``token``'s subscriber exists and is confirmed."""
    try:
        subscriber_id, _version = read_token(secret_of(request), "confirm", token,
                                             clock.now())
    except TokenError:
        return False
    store = get_store(context)
    subscriber = store.by_id.get(subscriber_id) if store is not None else None
    return subscriber is not None and subscriber.confirmed is not None


def _token_page(request, **values):
    page = {"heading": "", "message": None, "button": None, "token": "", "manage_url": None}
    page.update(values)
    return _render(request, LINK_PAGE, page)


def manage_url(request, subscriber):
    return (portal_url(request) + "/subscriptions/manage?token="
            + make_token(secret_of(request), "manage", subscriber, clock.now()))


def confirm_page(context, request):
    heading = _("Confirm your subscription")
    subscriber, refused = _subscriber(context, request, "confirm")
    if refused is ACTIVE:
        return _token_page(request, heading=_("Your subscription"), message=refused)
    if refused:
        return _token_page(request, heading=heading, message=refused)
    if request.method != "POST":   # GET, HEAD (mail scanners), ...: the page, no change
        return _token_page(request, heading=heading, token=request.params["token"],
                           message=_("Press the button to start receiving the releases you "
                                     "chose."), button=_("Confirm the subscription"))
    try:
        subscriber = confirm(context, request.params["token"], clock.now(),
                             secret=secret_of(request))
    except TokenError as exc:  # pragma: no cover - checked just above, in this transaction
        return _token_page(request, heading=heading, message=TOKEN_MESSAGES[exc.reason])
    return _token_page(request, heading=_("Your subscription is confirmed."),
                       message=_("The releases you chose will come to your address. Every "
                                 "message has a link to change or end the subscription."),
                       manage_url=manage_url(request, subscriber))


def unsubscribe_page(context, request):
    heading = _("Unsubscribe")
    subscriber, refused = _subscriber(context, request, "unsubscribe")
    if refused is UNSUBSCRIBED:
        return _token_page(request, heading=_("Unsubscribed"), message=refused)
    if refused:
        return _token_page(request, heading=heading, message=refused)
    if request.method != "POST":   # GET, HEAD (mail scanners), ...: the page, no change
        return _token_page(request, heading=heading, token=request.params["token"],
                           message=_("Press the button to stop all mail from this portal to "
                                     "your address."), button=_("Unsubscribe"))
    unsubscribe(context, subscriber.id)   # one-click (RFC 8058) or the page's button
    return _token_page(request, heading=_("Unsubscribed"), message=UNSUBSCRIBED)


def manage_page(context, request):
    subscriber, refused = _subscriber(context, request, "manage")
    if refused:
        return _token_page(request, heading=_("Your subscription"), message=refused)
    choices = Choices(request, context)
    translate = request.localizer.translate
    buttons = (deform.Button("save", translate(_("Save"))),
               deform.Button("unsubscribe", translate(_("Unsubscribe")),
                             css_class="btn-secondary"))
    form, html = _form(request, bound(choice_schema(), request, context, choices), None,
                       buttons, appstruct=None if request.method == "POST" else {
                           **subscriber.choice(), "sections": set(subscriber.sections),
                           "categories": set(subscriber.categories),
                           "indicators": set(subscriber.indicators)})
    values = {"form": html, "done": None, "manage": True, "email": subscriber.email}
    if request.method == "POST":
        if "unsubscribe" in request.POST:
            unsubscribe(context, subscriber.id)
            return _token_page(request, heading=_("Unsubscribed"), message=UNSUBSCRIBED)
        try:
            appstruct = validate(form, request)
        except deform.ValidationFailure as failure:
            request.response.status = 400
            return _render(request, PAGE, {**values, "form": failure.render()})
        update_choice(context, subscriber, cleaned(appstruct))
        values["done"] = _("Your subscription is changed.")
        values["form"] = form.render({**subscriber.choice(),
                                      **{k: set(getattr(subscriber, k)) for k in
                                         ("sections", "categories", "indicators")}})
    return _render(request, PAGE, values)

