"""The words of release mail, written once per language (kk, ru, en) for
``statportal.mail.bulk.queue_bulk_mail``: each part a ``string.Template`` over a
recipient's ``$unsubscribe_url`` and ``$manage_url``. Text someone typed (a title, a
description) has its ``$`` doubled, so it is never read as a placeholder."""

from statportal.i18n import LANGUAGES, _, translate_for

FOOTER = _("You receive this because you subscribed to ${portal}.\n"
           "Change or stop your subscription: ${manage}\n"
           "Unsubscribe at once: ${unsubscribe}")


def literal(text):
    """``text`` kept as it is by ``string.Template``."""
    return str(text or "").replace("$", "$$")


def in_language(value, language):
    """A kk/ru/en dict's text in ``language``, else the first language that has one."""
    if not isinstance(value, dict):
        return str(value or "")
    for lang in (language, *LANGUAGES):
        if value.get(lang):
            return str(value[lang])
    return ""


def footer(registry, language, portal_url):
    return translate_for(registry, FOOTER, language, {
        "portal": literal(portal_url), "manage": "$manage_url",
        "unsubscribe": "$unsubscribe_url"})


def release_parts(registry, material, url, portal_url):
    """``{language: {"subject", "text"}}`` announcing ``material`` (published at ``url``)."""
    parts = {}
    for language in LANGUAGES:
        title = in_language(material.title, language)
        description = in_language(getattr(material, "description", None), language)
        subject = translate_for(registry, _("New release: ${title}"), language,
                                {"title": literal(title)})
        lines = [literal(title), ""]
        if description:
            lines += [literal(description), ""]
        lines += [translate_for(registry, _("Read it on the portal: ${url}"), language,
                                {"url": literal(url)}), "", "--",
                  footer(registry, language, portal_url), ""]
        parts[language] = {"subject": subject.replace("\n", " "), "text": "\n".join(lines)}
    return parts


def indicator_parts(registry, indicator, url, portal_url):
    """``{language: {"subject", "text"}}``: new figures of ``indicator`` are public."""
    parts = {}
    for language in LANGUAGES:
        title = literal(in_language(indicator.title, language))
        subject = translate_for(registry, _("New data: ${title}"), language, {"title": title})
        lines = [title, "", translate_for(registry, _("New figures are public: ${url}"),
                                          language, {"url": literal(url)}),
                 "", "--", footer(registry, language, portal_url), ""]
        parts[language] = {"subject": subject.replace("\n", " "), "text": "\n".join(lines)}
    return parts


def digest_parts(registry, items, portal_url, when):
    """``{language: {"subject", "text"}}`` of a digest of ``items`` (dicts with ``title``
    (kk/ru/en) and ``url``), the releases up to ``when`` (a local date's text)."""
    parts = {}
    for language in LANGUAGES:
        subject = translate_for(registry, _("Releases of ${day}: ${count}"), language,
                                {"day": literal(when), "count": str(len(items))})
        lines = [translate_for(registry, _("Published since the last digest:"), language), ""]
        for item in items:
            lines += [f"* {literal(in_language(item['title'], language))}",
                      f"  {literal(item['url'])}"]
        lines += ["", "--", footer(registry, language, portal_url), ""]
        parts[language] = {"subject": subject, "text": "\n".join(lines)}
    return parts


def recipient_vars(request, subscriber, now):
    """The ``(address, language, vars)`` of ``subscriber``: its signed links."""
    return _recipient(request.registry.settings["statportal.secret"], portal_url(request),
                      subscriber, now)


def _recipient(secret, base, subscriber, now):
    from statportal.subscriptions.tokens import make_token

    links = {f"{purpose}_url": f"{base}/subscriptions/{purpose}?token="
             f"{make_token(secret, purpose, subscriber, now)}"
             for purpose in ("unsubscribe", "manage")}
    return subscriber.email, subscriber.language, links


#: what ``queue_bulk_mail(resolver=)`` names: the subscribers are read when sent
RESOLVER = "statportal.subscriptions.compose:resolve_recipients"


def queue_to_subscribers(request, key_prefix, parts, ids, frequency=None):
    """Queue ``parts`` to the subscribers ``ids`` as one bulk mailing of ids (their
    address and links made at sending; see ``resolve_recipients``); returns the key."""
    from statportal.mail.bulk import queue_bulk_mail

    return queue_bulk_mail(request, key_prefix=key_prefix, parts=parts, recipients=ids,
                           sender=request.registry.settings["mail.default_sender"],
                           resolver=RESOLVER,
                           context={"base": portal_url(request), "frequency": frequency})


def resolve_recipients(portal, registry, ids, context, now):
    """The bulk sender's resolver: ``{id: (address, language, vars)}`` of the subscribers
    still confirmed (and of ``context["frequency"]`` when given), None for the others
    (unsubscribed, erased, changed to the digest since queueing: nothing sent)."""
    from statportal.subscriptions.resources import get_store

    store, found = get_store(portal), {}
    secret, frequency = registry.settings["statportal.secret"], context.get("frequency")
    for ident in ids:
        subscriber = store.by_id.get(ident) if store is not None else None
        if subscriber is None or subscriber.confirmed is None or (
                frequency and subscriber.frequency != frequency):
            found[ident] = None
        else:
            found[ident] = _recipient(secret, context["base"], subscriber, now)
    return found


def portal_url(request):
    """The public address of the portal (``statportal.public_url``, else the request's
    without the JSON API's prefix: a page's link, never ``/++api++/…``)."""
    from statportal.api import API_PREFIX

    configured = request.registry.settings.get("statportal.public_url")
    return str(configured or request.application_url.rstrip("/").removesuffix(API_PREFIX)
               ).rstrip("/")
