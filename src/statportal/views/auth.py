"""Log in, log out and the language switch."""

from urllib.parse import urlencode, urlparse

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from statportal.content.resources import Portal
from statportal.i18n import LOCALE_COOKIE, _, available_languages
from statportal.security.permissions import VIEW
from statportal.security.policy import AuthenticationRefused, authenticate
from statportal.security.staff import is_staff


def safe_came_from(request, came_from, default="/"):
    """Only paths on this site: never an open redirect."""
    if not came_from or any(ord(ch) < 32 or ord(ch) == 127 for ch in came_from):
        return request.application_url + default
    parsed = urlparse(came_from)
    if parsed.scheme or parsed.netloc or not came_from.startswith("/") \
            or came_from.startswith("//"):
        return request.application_url + "/"
    return request.host_url + came_from


@view_config(context=Portal, name="login", renderer="statportal.views:templates/login.pt",
             permission=VIEW)
def login(context, request):
    came_from = request.params.get("came_from", "")
    error = None
    login_name = ""
    if request.method == "POST":
        login_name = request.POST.get("login", "").strip()
        try:
            user = authenticate(request, login_name, request.POST.get("password", ""))
        except AuthenticationRefused as refused:
            if refused.reason == "throttled":
                request.response.status = 429
                request.response.headers["Retry-After"] = str(refused.retry_after)
                if refused.retry_after <= 90:  # minutes from two up: no "1 minutes"
                    error = _("Too many failed attempts. Try again in ${sec} s.",
                              mapping={"sec": max(1, refused.retry_after)})
                else:
                    error = _("Too many failed attempts. Try again in ${min} minutes.",
                              mapping={"min": (refused.retry_after + 59) // 60})
            else:
                request.response.status = 400
                error = _("Wrong login or password.")
        else:
            headers = remember(request, user.login, user=user)
            request.session.flash(request.localizer.translate(
                _("Welcome, ${name}.", mapping={"name": user.fullname or user.login})), "success")
            # Everyone who logs in lands on what waits for them, unless sent elsewhere.
            return HTTPFound(safe_came_from(request, came_from, "/my-work"), headers=headers)
    return {"came_from": came_from, "error": error, "login_name": login_name}


@view_config(context=Portal, name="logout", renderer="statportal.views:templates/logout.pt",
             permission=VIEW)
def logout(context, request):
    if request.method == "POST":
        headers = forget(request)
        return HTTPFound(request.application_url + "/", headers=headers)
    return {}


@view_config(context=Portal, name="set-language", permission=VIEW)
def set_language(context, request):
    lang = request.params.get("lang", "")
    response = HTTPFound(safe_came_from(request, request.params.get("came_from", "")))
    if lang in available_languages(request):
        response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


@forbidden_view_config(accept="text/html", renderer="statportal:templates/forbidden.pt")
def forbidden(exc, request):
    from statportal.content.concealment import concealed

    if not is_staff(request) and concealed(request.context):
        from pyramid.renderers import render_to_response

        request.response.status = 404  # the embargo: as if it did not exist
        return render_to_response("statportal:templates/notfound.pt", {}, request=request,
                                  response=request.response)
    if request.authenticated_userid is None:
        query = urlencode({"came_from": request.path_qs})
        return HTTPFound(f"{request.application_url}/login?{query}")
    request.response.status = 403
    return {}


@forbidden_view_config()
def forbidden_other(exc, request):
    """A client that accepts neither HTML nor JSON (a download tool): a concealed material
    is not found for it either."""
    from pyramid.httpexceptions import HTTPNotFound

    from statportal.content.concealment import concealed

    if not is_staff(request) and concealed(request.context):
        return HTTPNotFound()
    return exc
