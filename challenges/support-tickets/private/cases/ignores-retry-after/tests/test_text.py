from queue_router.text import customer_text, mask_contact_details


def test_masks_emails_cards_and_phones():
    masked = mask_contact_details(
        "Mail me at ana.silva@orange.fr or call (204) 555-0183; card 4916 9848 7004 0722."
    )
    assert "orange" not in masked and "555" not in masked and "9848" not in masked
    assert masked.count("[email]") == 1 and masked.count("[number]") == 2


def test_keeps_prices_and_order_codes():
    text = "Charged 16.99 twice for order HX-48213"
    assert mask_contact_details(text) == text


def test_customer_text_drops_markup_and_quotes():
    body = "Hub&nbsp;offline<br>since Monday\nOn 2 May, Hearth wrote:\n> old reply"
    assert customer_text("Help", body) == "Help Hub offline since Monday"
