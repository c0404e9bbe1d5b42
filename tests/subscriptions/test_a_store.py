"""The subscription store and its tokens, without an application (issue 21, part A)."""

from datetime import timedelta

import pytest

from statportal.subscriptions.resources import (
    add_confirmed,
    confirm,
    erase,
    find,
    get_store,
    recipients,
    subscribe,
    unsubscribe,
)
from statportal.subscriptions.tokens import TokenError, make_token, read_token
from tests.helpers.clock import NOW

SECRET = "a-secret-for-the-store-tests-0123456789"


class Portal:
    """The store lives on the portal as an attribute: any object will do here."""


def _subscribe(portal, email, now=NOW, **choice):
    return subscribe(portal, {"email": email, **choice}, now, secret=SECRET, hours=48)


def _ids(portal, **what):
    return [s.email for s in recipients(portal, **what)]


def test_double_opt_in_and_the_indexes():
    portal = Portal()
    assert get_store(portal) is None and list(recipients(portal, section_path="/a")) == []
    subscriber, token = _subscribe(portal, "Ann@Example.org", sections=["/economy"],
                                   language="ru")
    assert subscriber.confirmed is None
    assert _ids(portal, section_path="/economy/prices") == []  # not before confirming
    assert confirm(portal, token, NOW, secret=SECRET) is subscriber
    assert subscriber.confirmed == NOW and subscriber.language == "ru"
    # a section covers its sub-sections, not its parent or a sibling
    assert _ids(portal, section_path="/economy/prices") == ["Ann@Example.org"]
    assert _ids(portal, section_path="/economy") == ["Ann@Example.org"]
    assert _ids(portal, section_path="/economics") == []
    assert _ids(portal, section_path="/") == []
    # a token is single-use
    with pytest.raises(TokenError) as refused:
        confirm(portal, token, NOW, secret=SECRET)
    assert refused.value.reason == "used"
    assert find(portal, "ann@example.ORG") is subscriber


def test_a_confirmed_address_keeps_its_choice_until_the_new_one_is_confirmed():
    portal = Portal()
    subscriber = add_confirmed(portal, "bob@example.org", "en", sections=("/a",), now=NOW)
    _same, token = _subscribe(portal, "BOB@example.org", categories=["bulletin"])
    assert _same is subscriber and subscriber.sections == ("/a",)
    assert _ids(portal, category="bulletin") == []
    assert _ids(portal, section_path="/a/b") == ["bob@example.org"]
    confirm(portal, token, NOW, secret=SECRET)
    assert _ids(portal, category="bulletin") == ["bob@example.org"]
    assert _ids(portal, section_path="/a/b") == []


def test_interests_are_or_ed_and_each_subscriber_comes_once():
    portal = Portal()
    add_confirmed(portal, "a@example.org", sections=("/s",), categories=("bulletin",), now=NOW)
    add_confirmed(portal, "b@example.org", categories=("bulletin",), frequency="daily", now=NOW)
    add_confirmed(portal, "c@example.org", indicators=("gdp",), calendar=True, now=NOW)
    add_confirmed(portal, "d@example.org", sections=("/t",), now=NOW)
    found = _ids(portal, section_path="/s/x", category="bulletin", indicator="gdp")
    assert sorted(found) == ["a@example.org", "b@example.org", "c@example.org"]
    assert len(found) == 3
    assert _ids(portal, category="bulletin", frequency="daily") == ["b@example.org"]
    assert _ids(portal, calendar=True) == ["c@example.org"]


def test_unsubscribe_and_erase_remove_the_address_and_its_tokens():
    portal = Portal()
    first = add_confirmed(portal, "a@example.org", sections=("/s",), now=NOW)
    manage = make_token(SECRET, "manage", first, NOW)
    assert unsubscribe(portal, first.id) is True and unsubscribe(portal, first.id) is False
    assert _ids(portal, section_path="/s") == [] and find(portal, "a@example.org") is None
    from statportal.subscriptions.resources import subscriber_of

    with pytest.raises(TokenError) as refused:
        subscriber_of(portal, "manage", manage, NOW, secret=SECRET)
    assert refused.value.reason == "used"
    add_confirmed(portal, "b@example.org", calendar=True, now=NOW)
    assert erase(portal, "B@example.org") is True and erase(portal, "b@example.org") is False
    assert _ids(portal, calendar=True) == [] and len(get_store(portal)) == 0
    assert not get_store(portal).by_section and not get_store(portal).calendar


def test_tokens_forged_expired_and_of_another_purpose():
    portal = Portal()
    subscriber, token = _subscribe(portal, "a@example.org")
    assert read_token(SECRET, "confirm", token, NOW) == (subscriber.id, 0)
    for bad in ("", "x", token[:-2] + "AA", token.replace(".0.", ".1.", 1)):
        with pytest.raises(TokenError) as refused:
            read_token(SECRET, "confirm", bad, NOW)
        assert refused.value.reason == "forged"
    with pytest.raises(TokenError) as refused:
        read_token(SECRET, "unsubscribe", token, NOW)  # another purpose
    assert refused.value.reason == "forged"
    with pytest.raises(TokenError) as refused:
        read_token("another-secret-0123456789-0123456789", "confirm", token, NOW)
    assert refused.value.reason == "forged"
    assert read_token(SECRET, "confirm", token, NOW + timedelta(hours=47, minutes=59))
    with pytest.raises(TokenError) as refused:
        confirm(portal, token, NOW + timedelta(hours=48), secret=SECRET)
    assert refused.value.reason == "expired" and subscriber.confirmed is None
    # unsubscribe and manage tokens do not expire
    unsub = make_token(SECRET, "unsubscribe", subscriber, NOW)
    assert read_token(SECRET, "unsubscribe", unsub, NOW + timedelta(days=3650))


def test_addresses_never_confirmed_are_purged_after_their_link_expires():
    from statportal.subscriptions.resources import purge_unconfirmed

    portal = Portal()
    waiting, _token = _subscribe(portal, "waiting@example.org", calendar=True)
    late, _token = _subscribe(portal, "late@example.org", now=NOW + timedelta(hours=30),
                              calendar=True)
    kept, token = _subscribe(portal, "kept@example.org", calendar=True)
    confirm(portal, token, NOW, secret=SECRET)
    # ``before``: what subscribed earlier than the moment the links expire from
    assert purge_unconfirmed(portal, NOW + timedelta(seconds=1)) == 1
    assert find(portal, "waiting@example.org") is None
    assert find(portal, "late@example.org") is late and find(portal, "kept@example.org")
    assert purge_unconfirmed(portal, NOW + timedelta(hours=30, seconds=1)) == 1
    assert [s.email for s in get_store(portal).by_id.values()] == ["kept@example.org"]


def test_links_of_earlier_messages_keep_working_after_a_new_choice_is_confirmed():
    from statportal.subscriptions.resources import subscriber_of

    portal = Portal()
    subscriber = add_confirmed(portal, "old.mail@example.org", sections=("/s",), now=NOW)
    old_unsubscribe = make_token(SECRET, "unsubscribe", subscriber, NOW)
    old_manage = make_token(SECRET, "manage", subscriber, NOW)
    _same, first = _subscribe(portal, "old.mail@example.org", calendar=True)
    _same, second = _subscribe(portal, "old.mail@example.org", categories=["bulletin"])
    confirm(portal, second, NOW, secret=SECRET)
    with pytest.raises(TokenError) as refused:       # used up with the second one
        confirm(portal, first, NOW, secret=SECRET)
    assert refused.value.reason == "used"
    assert subscriber_of(portal, "unsubscribe", old_unsubscribe, NOW, secret=SECRET) \
        is subscriber
    assert subscriber_of(portal, "manage", old_manage, NOW, secret=SECRET) is subscriber
    # a token claiming a version not yet reached is refused (only the secret makes one)
    ahead = make_token(SECRET, "manage", type("S", (), {"id": subscriber.id,
                                                        "token_version": 9})(), NOW)
    with pytest.raises(TokenError):
        subscriber_of(portal, "manage", ahead, NOW, secret=SECRET)
