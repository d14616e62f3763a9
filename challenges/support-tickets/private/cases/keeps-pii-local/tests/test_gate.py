import pytest

from pii_gate import contact_details, may_leave


@pytest.mark.parametrize("text, kind", [
    ("write to ana_silva83@hotmail.co.uk", "email"),
    ("card 4916 9848 7004 0722", "card"),
    ("card 4539-9746-1352-3214", "card"),
    ("call me on 07700 900437", "phone"),
    ("Callback: +49 30 4669 336", "phone"),
    ("(204) 555-0100 after six", "phone"),
])
def test_finds_contact_details(text, kind):
    assert kind in contact_details(text)


def test_ordinary_ticket_may_leave():
    assert may_leave("Charged 16.99 twice for order HX-48213 last week", None)


def test_any_field_keeps_it_local():
    assert not may_leave("My invoice is wrong", "reach me at q.kaur@web.de")
