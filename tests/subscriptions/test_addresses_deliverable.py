"""An address is stored as the portal's mail can reach it (review 2): an internationalised
domain in its ASCII form, a local part in other letters refused with its reason."""

import pytest

from statportal.subscriptions.addresses import AddressError, normalise


def test_an_internationalised_domain_is_kept_in_its_ascii_form():
    stored = normalise("Aigul@Мысал.ҚАЗ")
    assert stored == "Aigul@xn--80awbu3c.xn--80ao21a" and stored.isascii()
    assert normalise("aigul@stat.gov.kz") == "aigul@stat.gov.kz"


def test_a_local_part_in_other_letters_is_refused_with_its_reason():
    with pytest.raises(AddressError) as refused:
        normalise("айгүл@stat.gov.kz")
    assert "Latin" in str(refused.value.message)
    with pytest.raises(AddressError) as refused:
        normalise("no at sign")
    assert "not a valid" in str(refused.value.message)
